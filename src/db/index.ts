import { openDatabase, type DatabaseHandle } from './client';

const globalForDb = globalThis as unknown as { rosterDatabase?: Promise<DatabaseHandle> };

/** The process-wide database, opened (and migrated) on first use. */
export function getDatabase(): Promise<DatabaseHandle> {
  globalForDb.rosterDatabase ??= openDatabase().catch((error: unknown) => {
    globalForDb.rosterDatabase = undefined; // let the next request retry, e.g. once Postgres is back
    throw error;
  });
  return globalForDb.rosterDatabase;
}

export async function closeDatabase(): Promise<void> {
  const handle = globalForDb.rosterDatabase;
  globalForDb.rosterDatabase = undefined;
  if (handle) await (await handle).close();
}
