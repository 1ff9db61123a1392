import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import { Pool, type PoolClient } from 'pg';
import { logger } from '@/lib/logger';
import { lockDataDir } from './data-dir-lock';
import { listenOnPostgres, type Unlisten } from './notifications';
import * as schema from './schema';
import { interleavedSnapshot, postgresSnapshot, type ReadSnapshot } from './snapshot';

/** The one database type the core sees, whichever driver is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open transaction: what use cases that must write atomically pass around. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface DatabaseHandle {
  db: Database;
  driver: 'pglite' | 'postgres';
  /** LISTEN on a channel: `onNotify` gets each NOTIFY payload, and an empty one after a lost connection returns. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<Unlisten>;
  /** Where a long read (an export) runs: one consistent snapshot on PostgreSQL, chunk by chunk on PGlite. */
  snapshot(): Promise<ReadSnapshot>;
  close(): Promise<void>;
}

export type DatabaseConfig =
  | { driver: 'postgres'; url: string }
  /** dataDir `memory://` keeps everything in memory (tests). */
  | { driver: 'pglite'; dataDir: string };

const migrationsFolder = path.join(process.cwd(), 'drizzle');

export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  if (env.DATABASE_URL) return { driver: 'postgres', url: env.DATABASE_URL };
  const dataDir = env.ROSTER_DATA_DIR ?? 'data';
  return { driver: 'pglite', dataDir: dataDir.startsWith('memory://') ? dataDir : path.resolve(/*turbopackIgnore: true*/ dataDir) };
}

/** Opens the database and brings its schema up to date with the committed migrations. */
export async function openDatabase(config: DatabaseConfig = databaseConfigFromEnv()): Promise<DatabaseHandle> {
  if (config.driver === 'postgres') {
    const pool = givingBackBrokenClients(
      new Pool({
        connectionString: config.url,
        max: Number(process.env.ROSTER_DB_POOL_SIZE ?? 10),
        // Bounds both the wait for a free connection and opening a new one; past it the request answers 503.
        connectionTimeoutMillis: Number(process.env.ROSTER_DB_CONNECT_TIMEOUT_MS ?? 10_000),
      }),
    );
    const db = drizzlePostgres({ client: pool, schema });
    try {
      await migratePostgres(db, { migrationsFolder });
    } catch (error) {
      await pool.end();
      throw error;
    }
    return {
      db,
      driver: 'postgres',
      listen: (channel, onNotify) => listenOnPostgres(config.url, channel, onNotify),
      snapshot: () => postgresSnapshot(pool),
      close: () => pool.end(),
    };
  }

  const inMemory = config.dataDir.startsWith('memory://');
  // PGlite is single-process: a second process on the same directory would corrupt it, so hold a lock.
  let releaseLock: (() => Promise<void>) | undefined;
  if (!inMemory) {
    mkdirSync(config.dataDir, { recursive: true });
    releaseLock = await lockDataDir(config.dataDir);
  }
  const client = new PGlite({ dataDir: inMemory ? undefined : config.dataDir, extensions: { pg_trgm } });
  const db = drizzlePglite({ client, schema });
  const listen = async (channel: string, onNotify: (payload: string) => void): Promise<Unlisten> => {
    const unlisten = await client.listen(channel, onNotify);
    return async () => {
      if (!client.closed) await unlisten();
    };
  };
  const close = async () => {
    await client.close();
    await releaseLock?.();
  };
  try {
    await client.waitReady;
    await migratePglite(db, { migrationsFolder });
  } catch (error) {
    await close();
    throw error;
  }
  return { db, driver: 'pglite', listen, snapshot: async () => interleavedSnapshot(db), close };
}

/**
 * Gives a checked-out client back to the pool (which discards it) as soon as its connection breaks, and makes any
 * later release of it a no-op. drizzle-orm 0.45.4's node-postgres `transaction()` sends BEGIN before its
 * try/finally, so a client whose connection broke just then (a restart, an outage) was never released: every outage
 * shrank the pool for good, and `pool.end()` waited for the lost clients forever.
 *
 * A checked-out client gets its 'error' listener as the pool hands it out ('acquire'), not once the promise of
 * `connect()` has resolved: the error can arrive in the same chunk of bytes as the end of the query that freed it
 * for this checkout, and an 'error' nobody hears crashes the process. An idle client that breaks is the pool's own
 * business: it drops it and emits 'error', which is only logged here.
 */
function givingBackBrokenClients(pool: Pool): Pool {
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle database connection broke; the pool opens a new one when needed'));
  /** Checked-out clients whose connection broke, and how the holder of each gives it back. */
  const broken = new WeakMap<PoolClient, Error>();
  const giveBack = new WeakMap<PoolClient, (error: Error) => void>();
  function brokeWhileCheckedOut(this: PoolClient, error: Error) {
    broken.set(this, error);
    giveBack.get(this)?.(error);
  }
  pool.on('acquire', (client) => client.on('error', brokeWhileCheckedOut));
  pool.on('release', (_error, client) => {
    client.removeListener('error', brokeWhileCheckedOut);
    broken.delete(client);
    giveBack.delete(client);
  });

  const connect = pool.connect.bind(pool);
  const connectGivingBack = async (): Promise<PoolClient> => {
    const client = await connect();
    const release = client.release;
    let released = false;
    client.release = (error?: Error | boolean) => {
      if (released) return;
      released = true;
      release(error);
    };
    const brokenWith = broken.get(client);
    if (brokenWith) {
      client.release(brokenWith);
      throw brokenWith;
    }
    giveBack.set(client, (error) => client.release(error));
    return client;
  };
  // pg-pool's own query() passes a callback and releases its client itself (on 'error' too): left as it is.
  pool.connect = ((callback?: Parameters<Pool['connect']>[0]) => (callback ? connect(callback) : connectGivingBack())) as Pool['connect'];
  return pool;
}
