// Shared plumbing for the CLIs (scripts/migrate.ts, scripts/seed.ts, scripts/roster.ts). Not an entry point.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { DatabaseConfig } from '@/db/client';
import { DataDirInUseError } from '@/db/data-dir-lock';

/** An expected failure (bad input, a server that doesn't answer): the message is printed as is, with no stack trace. */
export class CliError extends Error {}

/** Thrown for a bad command line. */
export class UsageError extends CliError {}

/**
 * Runs a CLI body and sets the exit code. Expected failures (bad usage, the embedded database held by a running
 * server) print their message plainly and exit 1; anything else is a bug or an outage and keeps its stack trace.
 */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof DataDirInUseError || error instanceof CliError) {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

/**
 * `parseArgs` with the CLIs' conventions: strict, a bad option is a UsageError followed by the usage, and
 * `--help`/`-h` (added here) prints the usage and exits 0.
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs({ ...config, strict: true, options: { ...config.options, help: { type: 'boolean', short: 'h' } } }) as ReturnType<typeof parseArgs<T>>;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
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
