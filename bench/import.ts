// The import scenario: N users with bcrypt hashes as NDJSON, posted to POST /api/v1/users/import on the running
// server and timed from the request's first byte until GET /api/v1/jobs/{id} says the job succeeded (every row
// staged, checked and applied: users, password hashes, user.created events). On PostgreSQL, in the same run, the
// floor: the same rows (fresh emails) COPYed into the same tables (users, accounts, audit_events) on one connection
// in one transaction (pg-copy-streams), which no application writing through SQL gets under. PGlite has no COPY
// floor: its database lives inside the server process, which no second client can reach while it runs.
import bcrypt from 'bcryptjs';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { credentials } from './auth';
import type { Failures } from './failures';
import { peakMemoryDuring, type MemoryReading } from './memory';
import { delay, type Server } from './processes';

export interface ImportOptions {
  rows: number;
  /** An import past this many seconds is a failure, not a result. */
  hangSeconds: number;
  /** Makes the run's emails its own, so a re-run against the same database imports new users. */
  token: string;
}

interface Reading {
  seconds: number;
  rows: number;
  rowsPerSecond: number;
}

export interface ImportResult {
  rows: number;
  bytes: number;
  server: Reading;
  /** PostgreSQL only. */
  copy?: Reading;
  /** Server rows/s over COPY rows/s (PostgreSQL only). */
  ratio?: number;
  memory: MemoryReading;
}

const bcryptAlphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * One real bcrypt hash (cost 10, as most exports have) made once, and a different 22-character salt per row:
 * imported hashes are checked for their format and cost and stored, never verified, so they need not match a password.
 */
function hashesLike(): (index: number) => string {
  const real = bcrypt.hashSync('bench password', 10);
  const prefix = real.slice(0, 7);
  const digest = real.slice(29);
  return (index) => {
    let salt = '';
    for (let n = index, i = 0; i < 22; i++, n = Math.floor(n / 64)) salt += bcryptAlphabet[n % 64];
    return `${prefix}${salt}${digest}`;
  };
}

const emailOf = (run: string, index: number) => `import-${run}-${index}@bench.example`;
const nameOf = (index: number) => `Imported user ${index}`;

function ndjsonOf(run: string, count: number, hashOf: (index: number) => string): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(JSON.stringify({ email: emailOf(run, i), name: nameOf(i), passwordHash: hashOf(i) }));
  return `${lines.join('\n')}\n`;
}

const reading = (started: number, rows: number): Reading => {
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rows, rowsPerSecond: rows / seconds };
};

interface JobView {
  id: string;
  status: string;
  succeeded: number;
  failed: number;
  failure: string | null;
}

async function readJob(server: Server, id: string): Promise<JobView> {
  const response = await fetch(`${server.origin}/api/v1/jobs/${id}`, { headers: credentials.api });
  if (response.status !== 200) throw new Error(`GET /api/v1/jobs/${id} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as JobView;
}

/** POST → 202 → the job polled every 250 ms until it is over. */
async function serverImport(server: Server, body: string, hangSeconds: number): Promise<{ job: JobView; seconds: number }> {
  const started = performance.now();
  const deadline = started + hangSeconds * 1000;
  const response = await fetch(`${server.origin}/api/v1/users/import`, {
    method: 'POST',
    headers: { ...credentials.api, 'content-type': 'application/x-ndjson' },
    body,
    signal: AbortSignal.timeout(hangSeconds * 1000),
  });
  if (response.status !== 202) throw new Error(`the import answered ${response.status}: ${await response.text()}`);
  const { id } = (await response.json()) as JobView;
  for (;;) {
    const job = await readJob(server, id);
    if (!['queued', 'running'].includes(job.status)) return { job, seconds: (performance.now() - started) / 1000 };
    if (performance.now() > deadline) throw new Error(`the import job ${id} was still ${job.status} after ${hangSeconds} s`);
    await delay(250);
  }
}

/** CSV text of one column set: values quoted only where needed (JSON always). */
const csvCell = (value: string | null) => (value === null ? '' : /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const csvOf = (rows: (string | null)[][]) => rows.map((row) => row.map(csvCell).join(',')).join('\n') + '\n';

/**
 * The rows an import of `count` users writes, as CSV per table: each user, their credential account with the hash,
 * and their user.created event with the same payload shape (the changed fields, the user's DTO, the job's id).
 */
function copyRowsOf(run: string, count: number, hashOf: (index: number) => string) {
  const now = new Date().toISOString();
  const jobId = randomUUID();
  const users: (string | null)[][] = [];
  const accounts: (string | null)[][] = [];
  const events: (string | null)[][] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const email = `copy-${emailOf(run, i)}`;
    const name = nameOf(i);
    users.push([id, email, name, 'member', 'false', '{}', now, now]);
    accounts.push([randomUUID(), id, id, 'credential', hashOf(i), now, now]);
    const dto = { id, email, name, role: 'member', status: 'active', plan: 'free', subscriptionStatus: null, version: 1, createdAt: now, updatedAt: now };
    const changes = { email: { before: null, after: email }, name: { before: null, after: name }, role: { before: null, after: 'member' }, status: { before: null, after: 'active' }, plan: { before: null, after: 'free' } };
    events.push([randomUUID(), 'api-key:bench', 'api', 'user.created', 'user', id, JSON.stringify(changes), JSON.stringify({ user: dto, jobId }), now]);
  }
  return [
    { sql: 'COPY users (id, email, name, role, email_verified, metadata, created_at, updated_at) FROM STDIN WITH (FORMAT csv)', csv: csvOf(users) },
    { sql: 'COPY accounts (id, user_id, account_id, provider_id, password, created_at, updated_at) FROM STDIN WITH (FORMAT csv)', csv: csvOf(accounts) },
    { sql: 'COPY audit_events (id, actor, door, action, subject_type, subject_id, changes, data, created_at) FROM STDIN WITH (FORMAT csv)', csv: csvOf(events) },
  ];
}

async function copyFloor(databaseUrl: string, run: string, count: number, hashOf: (index: number) => string): Promise<Reading> {
  const tables = copyRowsOf(run, count, hashOf);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    await client.query('BEGIN');
    for (const { sql, csv } of tables) await pipeline(Readable.from([csv]), client.query(copyFrom(sql)));
    await client.query('COMMIT');
    return reading(started, count);
  } finally {
    await client.end();
  }
}

export async function measureImport(server: Server, databaseUrl: string | undefined, options: ImportOptions, failures: Failures, phase: string): Promise<ImportResult> {
  const hashOf = hashesLike();
  const body = ndjsonOf(options.token, options.rows, hashOf);
  const copy = databaseUrl ? await copyFloor(databaseUrl, options.token, options.rows, hashOf) : undefined;
  const { value, memory } = await peakMemoryDuring(server.child.pid!, () => serverImport(server, body, options.hangSeconds));
  const { job, seconds } = value;
  if (job.status !== 'succeeded' || job.succeeded !== options.rows) failures.add(`${phase}: the job ended ${job.status} with ${job.succeeded} of ${options.rows} rows imported, ${job.failed} failed${job.failure ? ` (${job.failure})` : ''}`);
  const imported = { seconds, rows: job.succeeded, rowsPerSecond: job.succeeded / seconds };
  return { rows: options.rows, bytes: Buffer.byteLength(body), server: imported, copy, ratio: copy ? imported.rowsPerSecond / copy.rowsPerSecond : undefined, memory };
}
