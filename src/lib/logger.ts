import pino from 'pino';
import { redactingLogOptions, withoutQueryParams } from './log-redaction.mjs';

/** Structured logs to stdout. Never log request bodies or secrets: log ids and codes. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: 'roster' },
  ...redactingLogOptions,
});

/**
 * A library's log calls (`log(level, message, ...args)`, as Better Auth makes them) through this logger, so that
 * its lines get the same redaction: an Error among the arguments is logged as `err`; other arguments, which may
 * hold anything, are left out.
 */
export function libraryLog(library: string) {
  return (level: 'debug' | 'info' | 'warn' | 'error', message: string, ...args: unknown[]): void => {
    const err = args.find((arg) => arg instanceof Error);
    logger[level]({ library, ...(err ? { err } : {}) }, withoutQueryParams(message));
  };
}
