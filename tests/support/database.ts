import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { openDatabase, type Database, type DatabaseHandle } from '@/db/client';

/** Set by CI (and by anyone with a local PostgreSQL) to run database tests against real Postgres too. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

/**
 * A fresh, migrated database: in-memory PGlite, or a throwaway database on the Postgres server at
 * TEST_DATABASE_URL that is dropped on close.
 */
export async function openTestDatabase(driver: 'pglite' | 'postgres'): Promise<DatabaseHandle> {
  if (driver === 'pglite') return openDatabase({ driver: 'pglite', dataDir: 'memory://' });
  const database = await createPostgresTestDatabase();
  const handle = await openDatabase({ driver: 'postgres', url: database.url });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await database.drop();
    },
  };
}

/** An empty throwaway database on the Postgres server at TEST_DATABASE_URL: its URL, and the function that drops it. */
export async function createPostgresTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `roster_test_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropPostgresTestDatabase(name) };
}

/**
 * Drops a throwaway database once the connections to it have gone. A pool's end() resolves as soon as it has asked
 * its connections to close, before the server has seen them go: dropped WITH (FORCE) at once, a connection still
 * closing is terminated instead, and its pool reports that as an unhandled error. FORCE stays for whatever is still
 * connected past the deadline (a hang guard, not a speed check: connections normally go within milliseconds).
 */
export async function dropPostgresTestDatabase(name: string): Promise<void> {
  await withAdminClient(async (client) => {
    const deadline = performance.now() + 30_000;
    for (;;) {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      if (rows[0]!.n === 0 || performance.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Empties every table the app writes: users with their sessions, accounts and API keys, the event log and its
 * retention horizon, the Stripe webhook inbox and ordering state, outgoing webhook endpoints with their deliveries
 * (the dispatch cursor stays: the log's positions keep growing, so it never points past a new event), mail,
 * invitations, link tokens, second factors and external identities, organizations and their members, impersonations, jobs and import staging, stored idempotent responses, shared rate-limit counters, and the activity and overview rollups. JWT
 * signing keys stay: tokens minted in one test never reach another.
 */
export async function truncateAll(db: Database): Promise<void> {
  await db.execute(
    sql`TRUNCATE users, sessions, accounts, verifications, api_keys, audit_events, event_log_horizon, webhook_events, stripe_object_versions, webhook_endpoints, webhook_deliveries, two_factors, passkeys, mail_outbox, invitations, account_tokens, idempotency_keys, rate_limits, external_identities, organizations, organization_members, scim_connections, scim_tokens, scim_requests, scim_users, scim_groups, scim_group_members, import_rows, jobs, job_errors, impersonations, user_activity_days, metrics_daily, metrics_totals`,
  );
}

/**
 * Runs `body` once per database: always on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set
 * (otherwise the Postgres block is skipped and its title says why). Tables are emptied before each test.
 */
export function describeEachDatabase(title: string, body: DatabaseSuite): void {
  for (const driver of ['pglite', 'postgres'] as const) describeOnDatabase(driver, title, body);
}

type DatabaseSuite = (db: () => Database, handle: () => DatabaseHandle) => void;

/** `body` on one database only: e.g. PostgreSQL for what needs two connections at once (PGlite has one). */
export function describeOnDatabase(driver: 'pglite' | 'postgres', title: string, body: DatabaseSuite): void {
  const missing = driver === 'postgres' && !testDatabaseUrl;
  const suffix = missing ? 'postgres: skipped because TEST_DATABASE_URL is not set' : driver;
  describe.skipIf(missing)(`${title} [${suffix}]`, () => {
    let handle: DatabaseHandle | undefined;
    beforeAll(async () => {
      handle = await openTestDatabase(driver);
    });
    afterAll(async () => handle?.close());
    beforeEach(async () => truncateAll(handle!.db));
    body(
      () => handle!.db,
      () => handle!,
    );
  });
}
