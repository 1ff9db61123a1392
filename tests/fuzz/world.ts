// The fuzzer's world: a throwaway PostgreSQL database (so the fuzzer can read every table while the server runs),
// Roster's production server (scripts/server.mjs) on it, and the identities and users the requests act as and on.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { freePort, startServer, type Server } from '../../bench/processes';
import { createApiKey } from '@/core/api-keys';
import { openDatabase } from '@/db/client';
import { until } from '../support/until';

export const ownerEmail = 'fuzz-owner@fuzz.test';
export const ownerPassword = 'fuzz-owner-password';
const memberPassword = 'fuzz-member-password';

export interface World {
  server: Server;
  pool: pg.Pool;
  credentials: Record<'writeKey' | 'readKey' | 'owner' | 'member', string>;
  ownerCookie: string;
  /** Users the structured requests read, change and delete. */
  victims: string[];
  close(): Promise<void>;
}

export async function createWorld({ logDir, databaseUrl }: { logDir: string; databaseUrl: string }): Promise<World> {
  const name = `roster_fuzz_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const dropDatabase = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };

  try {
    const handle = await openDatabase({ driver: 'postgres', url: url.toString() });
    const system = { kind: 'system', door: 'cli', name: 'fuzz' } as const;
    const writeKey = (await createApiKey({ db: handle.db, principal: system }, { name: 'fuzz write', scopes: ['users:read', 'users:write'] })).secret;
    const readKey = (await createApiKey({ db: handle.db, principal: system }, { name: 'fuzz read', scopes: ['users:read'] })).secret;
    await handle.close();

    const port = await freePort(Number(process.env.ROSTER_FUZZ_PORT ?? (Number(process.env.ROSTER_E2E_PORT ?? 3100) + 7)));
    const origin = `http://127.0.0.1:${port}`;
    const unlimited = '1000000000/60';
    const server = await startServer({
      name: `scripts/server.mjs :${port}`,
      port,
      args: ['scripts/server.mjs', '-p', String(port), '-H', '127.0.0.1'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: url.toString(),
        ROSTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
        ROSTER_BASE_URL: origin,
        ROSTER_OWNER_EMAIL: ownerEmail,
        ROSTER_OWNER_PASSWORD: ownerPassword,
        // Hundreds of thousands of requests from one key and one address: budgets out of the way (the sign-in
        // defence per account and address stays on, and the fuzzer meets it).
        ROSTER_API_RATE_LIMIT: unlimited,
        ROSTER_ACTION_RATE_LIMIT: unlimited,
        ROSTER_AUTH_RATE_LIMIT_IP: unlimited,
        ROSTER_AUTH_FAILURES_PER_IP: unlimited,
        // Its workers may all hit an export at once: the capacity 503 is by design, not what the fuzzer looks for.
        ROSTER_EXPORTS_AT_ONCE: '1000',
        ROSTER_WEBHOOK_SWEEP_MS: '3600000',
        NEXT_TELEMETRY_DISABLED: '1',
        LOG_LEVEL: 'error',
      },
      logFile: path.join(logDir, `next-${port}.log`),
      readyPath: '/api/ready',
    });

    const signIn = async (email: string, password: string) => {
      const response = await fetch(`${origin}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ email, password }),
      });
      if (!response.ok) throw new Error(`sign-in as ${email}: ${response.status} ${await response.text()}`);
      return { token: response.headers.get('set-auth-token')!, cookie: response.headers.get('set-cookie')!.split(';')[0]! };
    };
    const owner = await signIn(ownerEmail, ownerPassword);
    const signUp = await fetch(`${origin}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ email: 'fuzz-member@fuzz.test', password: memberPassword, name: 'Fuzz member' }),
    });
    if (!signUp.ok) throw new Error(`sign-up: ${signUp.status}`);
    const member = await signIn('fuzz-member@fuzz.test', memberPassword);

    const victims: string[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${origin}/api/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: `victim${i}@fuzz.test`, name: `Victim ${i}`, role: i % 2 ? 'viewer' : 'member' }),
      });
      victims.push(((await response.json()) as { id: string }).id);
    }

    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    // end() resolves before the server has seen its connections go, so DROP DATABASE ... WITH (FORCE) in close() may
    // terminate one that is idle: the pool reports that as an 'error' event, which unheard would crash the run.
    pool.on('error', () => {});
    return {
      server,
      pool,
      credentials: { writeKey, readKey, owner: owner.token, member: member.token },
      ownerCookie: owner.cookie,
      victims,
      async close() {
        await server.stop();
        await pool.end();
        await dropDatabase();
      },
    };
  } catch (error) {
    await dropDatabase();
    throw error;
  }
}

/**
 * Background jobs a target's requests started (imports, bulk actions: 202 with a job) run on the server afterwards:
 * wait until none is queued or running, so what they write is counted against the target that started them rather
 * than against whichever target happens to run when they finish. The deadline is a hang guard, not a speed check.
 */
export async function jobsSettled(pool: pg.Pool): Promise<void> {
  const unfinished = async () => Number((await pool.query(`SELECT count(*)::int AS n FROM jobs WHERE status IN ('queued', 'running')`)).rows[0].n);
  await until('the background jobs to finish', async () => (await unfinished()) === 0, 120_000);
}

/** Everything a request could change, except rate-limit counters (which count rejected requests, as they should). */
export async function snapshot(pool: pg.Pool) {
  const rows = async (sql: string) => (await pool.query(sql)).rows as Record<string, unknown>[];
  return {
    users: new Map((await rows('SELECT id, version FROM users')).map((row) => [row.id as string, row.version as number])),
    audit: await rows('SELECT id, action, subject_id FROM audit_events'),
    apiKeys: JSON.stringify(await rows('SELECT id, revoked_at FROM api_keys ORDER BY id')),
    sessions: JSON.stringify(await rows('SELECT id, expires_at FROM sessions ORDER BY id')),
    accounts: JSON.stringify(await rows('SELECT id, password FROM accounts ORDER BY id')),
    webhooks: JSON.stringify(await rows('SELECT id, status FROM webhook_events ORDER BY id')),
    idempotencyKeys: Number((await rows('SELECT count(*)::int AS n FROM idempotency_keys'))[0]!.n),
  };
}
export type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** Events that record an attempt or a read rather than a change: refused sign-ins (and lock-outs), downloads. */
const attemptEvents = new Set(['user.sign-in-failed', 'user.locked-out', 'export.downloaded']);

/**
 * What changed between two snapshots that no accepted request accounts for: users changed, added or removed outside
 * `accepted`, audit events of changes to anyone else, and any change to keys, sessions, passwords or webhook events.
 */
export function unaccountedChanges(before: Snapshot, after: Snapshot, accepted: Set<string>, acceptedIdempotentPosts: number): string[] {
  const problems: string[] = [];
  for (const id of new Set([...before.users.keys(), ...after.users.keys()])) {
    if (before.users.get(id) !== after.users.get(id) && !accepted.has(id)) problems.push(`user ${id}: ${before.users.get(id)} -> ${after.users.get(id)}`);
  }
  const seen = new Set(before.audit.map((row) => row.id));
  for (const row of after.audit) {
    if (!seen.has(row.id) && !attemptEvents.has(row.action as string) && !accepted.has(row.subject_id as string)) problems.push(`${row.action} event about ${row.subject_id}`);
  }
  for (const table of ['apiKeys', 'sessions', 'accounts', 'webhooks'] as const) if (before[table] !== after[table]) problems.push(`${table} changed`);
  if (after.idempotencyKeys - before.idempotencyKeys > acceptedIdempotentPosts) problems.push('idempotency keys stored for rejected requests');
  return problems;
}
