import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Database } from './client';
import * as schema from './schema';

/**
 * A long read (an export) and what it reads through. `consistent`: every query sees the same snapshot of the data.
 * `close()` ends it once the read is done; `abort()` ends it at once, mid-query if need be (the client went away).
 */
export interface ReadSnapshot {
  db: Database;
  consistent: boolean;
  /**
   * `select`'s rows as CSV with a header row, written by the database itself (PostgreSQL's COPY), streamed with
   * backpressure. Absent where the database can't stream it (PGlite).
   */
  copyCsv?(select: SQL): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
  abort(): void;
}

/** What an export's connection is called in pg_stat_activity. */
export const snapshotApplicationName = 'roster-export';

/**
 * PostgreSQL: one pool client held for the whole read, in a REPEATABLE READ READ ONLY transaction, so every chunk
 * reads the same snapshot and writers are never blocked. Aborting destroys the connection: the server ends the
 * backend, its query and its transaction, and the pool opens a fresh one when next needed.
 */
export async function postgresSnapshot(pool: Pool): Promise<ReadSnapshot> {
  const client: PoolClient = await pool.connect();
  let released = false;
  const release = (destroy: boolean) => {
    if (released) return;
    released = true;
    client.release(destroy);
  };
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET LOCAL application_name = '${snapshotApplicationName}'`);
    // copyCsv's inlined literals double their quotes and nothing else, which is right only with this on.
    await client.query('SET LOCAL standard_conforming_strings = on');
  } catch (error) {
    release(true);
    throw error;
  }
  return {
    db: drizzlePostgres({ client, schema }) as unknown as Database,
    consistent: true,
    copyCsv: (select) => client.query(copyTo(`COPY (${inlined(select)}) TO STDOUT WITH (FORMAT csv, HEADER)`)),
    close: async () => {
      if (released) return;
      try {
        await client.query('COMMIT');
        release(false);
      } catch {
        release(true);
      }
    },
    abort: () => release(true),
  };
}

/** COPY takes no bind parameters: the query's values go into its text as literals, quoted by Drizzle. */
function inlined(select: SQL): string {
  const query = new PgDialect().sqlToQuery(select.inlineParams());
  if (query.params.length > 0) throw new Error('a COPY query must not keep bind parameters');
  return query.sql;
}

/**
 * The embedded database has one connection for the whole process: a transaction held for an export would stall
 * every other request until the download ends (as slowly as the client reads). So each chunk is its own query, and
 * writes that commit between two chunks may show in the later one.
 */
export function interleavedSnapshot(db: Database): ReadSnapshot {
  return { db, consistent: false, close: async () => {}, abort: () => {} };
}
