// Shared plumbing for the database CLIs (scripts/migrate.ts, scripts/seed.ts). Not an entry point.
import type { DatabaseConfig } from '@/db/client';
import { DataDirInUseError } from '@/db/data-dir-lock';

/** Thrown for a bad command line: the message is printed as is, with no stack trace. */
export class UsageError extends Error {}

/**
 * Runs a CLI body and sets the exit code. Expected failures (bad usage, the embedded database held by a running
 * server) print their message plainly and exit 1; anything else is a bug or an outage and keeps its stack trace.
 */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof DataDirInUseError || error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

/** Where the database is, for humans: never prints a password. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.driver === 'pglite') return `embedded PGlite at ${config.dataDir}`;
  try {
    const url = new URL(config.url);
    return `PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}
