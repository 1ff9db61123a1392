import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { snapshotApplicationName } from '@/db/snapshot';
import { createPostgresTestDatabase } from './database';
import { reservePorts } from './ports';
import { until } from './until';

// The real `npm start` as a subprocess, as users and orchestrators run it, for the tests that need the production
// server itself (its shutdown, what Next does with a connection that closes). Nothing here is timed: each wait is for
// something the server does, with a deadline only so that a hang fails the test instead of stalling it.

const root = path.resolve(import.meta.dirname, '../..');
export const serverOwner = { email: 'owner@production-server.test', password: 'production-server-owner-password' };
/** The servers' ROSTER_SHUTDOWN_TIMEOUT_MS unless a test sets its own. */
export const shutdownTimeoutMs = 20_000;

export interface ProductionServer {
  npm: ChildProcess;
  /** The server: npm's child (`exec node … scripts/start.mjs`). */
  serverPid: number;
  origin: string;
  output: () => string;
  exited: Promise<number | null>;
}

const started: ProductionServer[] = [];

/** SIGKILLs whatever npmStart started that is still running (for afterEach: a failed test leaves nothing behind). */
export function killStartedServers(): void {
  for (const { npm } of started.splice(0)) if (npm.exitCode === null && npm.signalCode === null) process.kill(-npm.pid!, 'SIGKILL');
}

/** Whether `pid` is alive: an exited orphan may linger as a zombie until whatever adopted it reaps it. */
export function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A database for servers to start on: the environment that selects it, and its removal. */
export interface ServerDatabase {
  env: Record<string, string>;
  /** On PostgreSQL, the test's own connection to it, to watch pg_stat_activity from outside any transaction. */
  observer: pg.Client | null;
  remove: () => Promise<void>;
}

/** A throwaway PostgreSQL database (on TEST_DATABASE_URL's server), or an embedded one in a temporary directory. */
export async function serverDatabase(driver: 'pglite' | 'postgres'): Promise<ServerDatabase> {
  if (driver === 'postgres') {
    const created = await createPostgresTestDatabase();
    const observer = new pg.Client({ connectionString: created.url });
    await observer.connect();
    return { env: { DATABASE_URL: created.url }, observer, remove: async () => (await observer.end(), await created.drop()) };
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-server-'));
  return { env: { DATABASE_URL: '', ROSTER_DATA_DIR: path.join(dataDir, 'db') }, observer: null, remove: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** The backends the server's exports hold (their connections in pg_stat_activity); none on the embedded database. */
export async function exportBackends({ observer }: ServerDatabase): Promise<{ state: string }[]> {
  if (!observer) return [];
  return (await observer.query('SELECT state FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', [snapshotApplicationName])).rows;
}

/** `npm start -- -p <port> -H <hostname>` on `database`, ready (GET /api/ready answers 200 on loopback). */
export async function npmStart(database: Record<string, string>, env: Record<string, string> = {}, { hostname = '127.0.0.1' } = {}): Promise<ProductionServer> {
  // Its own port, not one the kernel picks: another worker's listen(0) could take that before the server binds it,
  // or after it stops (the refused-connection checks).
  const port = await reservePorts();
  const origin = `http://127.0.0.1:${port}`;
  const npm = spawn('npm', ['start', '--', '-p', String(port), '-H', hostname], {
    cwd: root,
    detached: true, // its own process group, so a failed test can still stop everything it started
    env: {
      ...process.env,
      ...database,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      NEXT_TELEMETRY_DISABLED: '1',
      ROSTER_SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      ROSTER_BASE_URL: origin,
      ROSTER_AUTH_SECRET: 'production-server-test-auth-secret-0123456789abcdef',
      ROSTER_OWNER_EMAIL: serverOwner.email,
      ROSTER_OWNER_PASSWORD: serverOwner.password,
      ...env,
    },
  });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const server: ProductionServer = { npm, serverPid: 0, origin, output: () => output, exited };
  started.push(server);
  await until(`${origin}/api/ready`, async () => {
    if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}:\n${output}`);
    return fetch(`${origin}/api/ready`).then((response) => response.status === 200, () => false);
  });
  server.serverPid = Number(execFileSync('pgrep', ['-P', String(npm.pid)]).toString().trim());
  return server;
}

/** The owner's bearer token on `origin`. */
export async function signInOwner(origin: string): Promise<string> {
  const response = await fetch(`${origin}/api/auth/sign-in/email`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify(serverOwner) });
  expect(response.status).toBe(200);
  return response.headers.get('set-auth-token')!;
}
