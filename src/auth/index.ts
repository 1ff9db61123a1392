import 'server-only';
import { getDatabase } from '@/db';
import { databaseConfigFromEnv, type DatabaseHandle } from '@/db/client';
import { createAuth, type Auth } from './auth';

const globalForAuth = globalThis as unknown as { rosterAuth?: { handle: DatabaseHandle; auth: Auth } };

/** The process-wide Better Auth instance, rebuilt whenever the process-wide database is reopened. */
export async function getAuth(): Promise<Auth> {
  const handle = await getDatabase();
  if (globalForAuth.rosterAuth?.handle !== handle) {
    globalForAuth.rosterAuth = { handle, auth: createAuth(handle.db, databaseConfigFromEnv()) };
  }
  return globalForAuth.rosterAuth.auth;
}
