import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { reservePorts } from './ports';

// A PostgreSQL server of a test's own, for what must never be done to the shared one: stopping it, crashing it,
// changing its settings. Debian's server binaries (package postgresql) in a temporary directory, on a port from
// the Vitest worker's block (tests/support/ports.ts), trust authentication for `postgres` on 127.0.0.1 only.
// Run as root, the server runs as the `postgres` user (initdb refuses root).

/** ROSTER_POSTGRES_BIN, else the newest version Debian's packages installed. */
const binDir = process.env.ROSTER_POSTGRES_BIN ?? newestDebianPostgres();

function newestDebianPostgres(): string {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((name) => /^\d+$/.test(name)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0] ?? '15';
  return `/usr/lib/postgresql/${newest}/bin`;
}

/** Why a private server can't be started here, or undefined when it can. */
export const privatePostgresUnavailable = existsSync(path.join(binDir, 'pg_ctl'))
  ? undefined
  : `no PostgreSQL server binaries in ${binDir} (Debian: apt-get install postgresql; or set ROSTER_POSTGRES_BIN)`;

export interface PrivatePostgres {
  port: number;
  /** A connection URL for `database` (default `postgres`) as the superuser. */
  url(database?: string): string;
  /**
   * Stops the server. `immediate`: as a crash would, every connection cut at once; `fast`: as an administrator's
   * restart, each session told first (57P01, terminating connection due to administrator command).
   */
  stop(mode: 'immediate' | 'fast'): Promise<void>;
  /** Starts it again (after `stop`), on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Runs one statement as the superuser on `database`, on a connection of its own. */
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[], database?: string): Promise<Row[]>;
  /** Stops it if running and deletes its files. */
  destroy(): Promise<void>;
}

const run = promisify(execFile);

/** initdb, then start: a fresh, empty server. Its log is in the error of a start that fails. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  if (privatePostgresUnavailable) throw new Error(privatePostgresUnavailable);
  const port = await reservePorts();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roster-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const pgBin = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(binDir, program), ...args]) : run(path.join(binDir, program), args);

  await pgBin('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
  // Durability is not what these servers are for: no fsync keeps the many restarts cheap on a busy machine.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const start = async () => {
    try {
      // -w: returns once the server accepts connections (a hang guard, not a speed check: -t is the most it waits).
      await pgBin('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '120', 'start']);
    } catch (error) {
      throw new Error(`private PostgreSQL did not start: ${(error as Error).message}\n${readLog(logFile)}`);
    }
  };
  let running = false;
  await start();
  running = true;

  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async stop(mode) {
      await pgBin('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '120', 'stop']);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async query<Row extends pg.QueryResultRow>(text: string, values: unknown[] = [], database = 'postgres') {
      const client = new pg.Client({ connectionString: url(database) });
      await client.connect();
      try {
        return (await client.query<Row>(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    async destroy() {
      if (running) await pgBin('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', '-t', '120', 'stop']).catch(() => {});
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function readLog(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no server log)';
  }
}
