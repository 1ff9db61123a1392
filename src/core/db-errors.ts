import 'server-only';
import { DataDirInUseError } from '@/db/data-dir-lock';

/** Postgres error code of a failed query, looking through Drizzle's wrapper. */
export function postgresErrorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = candidate?.cause?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Network errors, and SQLSTATEs for "the server is going away or can't take you": admin/crash shutdown, cannot
 * connect now, too many connections; class 08 is "connection exception".
 */
const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** Errors with no code at all that mean the same: node-postgres, its pool and PGlite say it in words only. */
const connectionLostMessages = new Set([
  // The server closed the connection (killed, restarted, crashed), before or during a query or its COMMIT.
  'Connection terminated unexpectedly',
  'Connection terminated',
  // A query on a client whose connection broke earlier.
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  // connectionTimeoutMillis passed: no connection free in time, or opening a new one took longer.
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
  // The pool or the embedded database is shutting down.
  'Cannot use a pool after calling end on the pool',
  'PGlite is closed',
  'PGlite is closing',
]);

/** True when the error means "the database can't be reached right now" rather than "this query is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DataDirInUseError) return true;
  return errorChain(error).some(({ code, message }) => {
    if (typeof code === 'string' && (connectionErrorCodes.has(code) || code.startsWith('08'))) return true;
    return typeof message === 'string' && connectionLostMessages.has(message);
  });
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error, its causes (Drizzle wraps the driver's error) and an AggregateError's members (one per address tried). */
function errorChain(error: unknown, seen = new Set<unknown>()): ErrorLike[] {
  if (error === null || typeof error !== 'object' || seen.has(error)) return [];
  seen.add(error);
  const { cause, errors } = error as ErrorLike;
  return [error as ErrorLike, ...errorChain(cause, seen), ...(Array.isArray(errors) ? errors.flatMap((member) => errorChain(member, seen)) : [])];
}

export const UNIQUE_VIOLATION = '23505';
