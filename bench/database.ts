// The databases a bench run measures on: a seeded PGlite data directory per server process (PGlite is one
// process only), and PostgreSQL when reachable (one throwaway database shared by every server). Each is seeded
// with the bench's owner and API key (bench/auth.ts) as well as the users the scenarios work on.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { and, inArray, like, sql } from 'drizzle-orm';
import pg from 'pg';
import type { Role } from '@/core/users';
import { openDatabase, type DatabaseConfig, type DatabaseHandle } from '@/db/client';
import { users } from '@/db/schema';
import { seedUsers } from '@/db/seed';
import { seedIdentities } from './auth';
import type { DatabaseKind } from './options';
import { seedOrganizations, type OrganizationSizes, type SeededOrganizations } from './organizations';

export interface SeededUser {
  id: string;
  email: string;
  role: string;
  status: string;
}

/**
 * What the scenarios work on: users to rename, users that exist only to be deleted, and the secret of the API key
 * the Route Handler and raw floor requests carry. The users are members and viewers only: the API key acts as an
 * admin, and admins may not change admin or owner accounts (the console's owner may), so every door can do the same.
 */
export interface Fixture {
  updateTargets: SeededUser[];
  deletable: SeededUser[];
  /** Never in the report. */
  apiKeySecret: string;
  /** events:read keys for the fan-out scenario's subscribers; never in the report. */
  eventKeys: string[];
  /** The members scenario's organizations (none when it does not run). */
  organizations: SeededOrganizations;
}

/** How much each database is seeded with. */
export interface SeedSizes {
  users: number;
  deletable: number;
  eventKeys: number;
  organizations: OrganizationSizes;
}

export interface BenchDatabase {
  kind: DatabaseKind;
  /** For the report: never a password. */
  description: string;
  /** Environment for the Next server and for the raw floor (each its own PGlite directory, or the same URL). */
  nextEnv: Record<string, string>;
  rawEnv: Record<string, string>;
  fixture: Fixture;
  /** Drops what the bench created (a throwaway Postgres database); PGlite directories go with the temp dir. */
  dispose(): Promise<void>;
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The roles an API key (acting as an admin) may rename and delete. */
const targetRoles: Role[] = ['member', 'viewer'];

async function seed(handle: DatabaseHandle, { users: userCount, deletable: deletableCount, eventKeys: eventKeyCount, organizations: organizationSizes }: SeedSizes): Promise<Fixture> {
  // First, so that the newest users (the read scenario's first page) are all seeded ones.
  const { apiKeySecret, eventKeys } = await seedIdentities(handle.db, eventKeyCount);
  const { runToken } = await seedUsers(handle.db, userCount, { seed: 1 });
  const organizations = await seedOrganizations(handle.db, runToken, organizationSizes);
  const columns = { id: users.id, email: users.email, role: users.role, status: users.status };
  const withToken = (token: string) => and(like(users.email, `%+${token}@%`), inArray(users.role, targetRoles));
  const updateTargets = await handle.db
    .select(columns)
    .from(users)
    .where(withToken(runToken))
    .orderBy(sql`md5(${users.id}::text)`)
    .limit(Math.min(1_000, userCount));
  // Deletable users are older than everyone else, so they never show on the first page the read scenario reads.
  // About 5% are seeded as admins or owners, which are not used: seeded with a margin, topped up if still short.
  const deletable: SeededUser[] = [];
  for (let batch = 0; deletable.length < deletableCount; batch++) {
    const missing = deletableCount - deletable.length;
    const token = `${runToken}del${batch}`;
    await seedUsers(handle.db, Math.ceil(missing * 1.1) + 10, { seed: 2 + batch, runToken: token, now: new Date(Date.now() - 3 * YEAR_MS), spanMs: YEAR_MS });
    deletable.push(...(await handle.db.select(columns).from(users).where(withToken(token)).orderBy(users.id).limit(missing)));
  }
  return { updateTargets, deletable, apiKeySecret, eventKeys, organizations };
}

/** Seeds one PGlite directory, then copies it byte for byte so the raw floor starts from the same database. */
export async function preparePglite(workDir: string, sizes: SeedSizes): Promise<BenchDatabase> {
  const nextDir = path.join(workDir, 'pglite-next', 'db');
  const rawDir = path.join(workDir, 'pglite-raw', 'db');
  mkdirSync(path.dirname(nextDir), { recursive: true });
  const handle = await openDatabase({ driver: 'pglite', dataDir: nextDir });
  let fixture: Fixture;
  try {
    fixture = await seed(handle, sizes);
  } finally {
    await handle.close();
  }
  mkdirSync(path.dirname(rawDir), { recursive: true });
  cpSync(nextDir, rawDir, { recursive: true });
  return {
    kind: 'pglite',
    description: 'PGlite (embedded, in-process WASM PostgreSQL), one data directory per server process',
    nextEnv: { ROSTER_DATA_DIR: nextDir, DATABASE_URL: '' },
    rawEnv: { ROSTER_DATA_DIR: rawDir, DATABASE_URL: '' },
    fixture,
    dispose: async () => {},
  };
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * BENCH_DATABASE_URL as given (never dropped), else a throwaway database on the local PostgreSQL, dropped at the
 * end. Resolves to undefined (and the Postgres run is skipped) when neither is reachable.
 */
export async function preparePostgres(sizes: SeedSizes): Promise<BenchDatabase | undefined> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given && !(await reachable(given))) throw new Error('BENCH_DATABASE_URL is set but does not answer');
  if (!given && !(await reachable(LOCAL_POSTGRES))) return undefined;

  let url = given;
  let dropName: string | undefined;
  if (!url) {
    dropName = `roster_bench_${randomBytes(6).toString('hex')}`;
    await withClient(LOCAL_POSTGRES, (client) => client.query(`CREATE DATABASE ${dropName}`));
    const parsed = new URL(LOCAL_POSTGRES);
    parsed.pathname = `/${dropName}`;
    url = parsed.toString();
  }
  const dispose = async () => {
    if (dropName) await withClient(LOCAL_POSTGRES, (client) => client.query(`DROP DATABASE IF EXISTS ${dropName} WITH (FORCE)`));
  };
  try {
    const config: DatabaseConfig = { driver: 'postgres', url };
    const handle = await openDatabase(config);
    let fixture: Fixture;
    try {
      fixture = await seed(handle, sizes);
    } finally {
      await handle.close();
    }
    const { hostname, port, pathname } = new URL(url);
    const version = await withClient(url, (client) => client.query<{ server_version: string }>('show server_version'));
    return {
      kind: 'postgres',
      description: `PostgreSQL ${version.rows[0]?.server_version ?? '?'} at ${hostname}:${port || 5432}${pathname}${dropName ? ' (throwaway database)' : ''}, shared by every server`,
      nextEnv: { DATABASE_URL: url },
      rawEnv: { DATABASE_URL: url },
      fixture,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
