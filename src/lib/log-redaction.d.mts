// Types for src/lib/log-redaction.mjs (plain JS so that scripts/server.mjs can use it without a TypeScript loader).
import type { LoggerOptions } from 'pino';

export function serializeError(error: unknown): unknown;
export const redactingLogOptions: Pick<LoggerOptions, 'redact' | 'serializers'>;
export function withoutQueryParams(message: string): string;
