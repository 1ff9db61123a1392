import pino from 'pino';

/** Structured logs to stdout. Never log request bodies or secrets: log ids and codes. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: 'roster' },
  redact: ['*.password', '*.token', '*.authorization', '*.cookie'],
});
