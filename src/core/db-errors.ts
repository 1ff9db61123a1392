import 'server-only';
import { DataDirInUseError } from '@/db/data-dir-lock';

/** Postgres error code of a failed query, looking through Drizzle's wrapper. */
export function postgresErrorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = candidate?.cause?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03']);

/** True when the error means "the database can't be reached right now" rather than "this query is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DataDirInUseError) return true;
  const code = postgresErrorCode(error);
  return code !== undefined && (connectionErrorCodes.has(code) || code.startsWith('08'));
}

export const UNIQUE_VIOLATION = '23505';
