import 'server-only';
import { sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { Unavailable } from './errors';

/** Readiness: the database answers a trivial query within `timeoutMs`. */
export async function checkDatabase(db: Database, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Unavailable('The database did not answer in time')), timeoutMs);
  });
  try {
    await Promise.race([db.execute(sql`select 1`), timeout]);
  } catch (error) {
    throw error instanceof Unavailable ? error : new Unavailable();
  } finally {
    clearTimeout(timer);
  }
}
