import { sql } from 'drizzle-orm';
import { openDatabase } from '@/db/client';
import type { ServerDatabase } from './production-server';

/**
 * `count` users written straight into the database a server will be started on (before it starts: the embedded
 * database serves one process at a time), so that an export of them outlasts what sockets buffer. Migrates it first.
 */
export async function seedUsersFor(database: ServerDatabase, count: number): Promise<void> {
  const { DATABASE_URL: url, ROSTER_DATA_DIR: dataDir } = database.env;
  const handle = await openDatabase(url ? { driver: 'postgres', url } : { driver: 'pglite', dataDir: dataDir! });
  try {
    await handle.db.execute(sql`
      INSERT INTO users (id, email, name, created_at, updated_at)
      SELECT gen_random_uuid(), 'bulk' || i || '@example.com', 'Bulk user ' || i, now() - i * interval '1 second', now()
      FROM generate_series(1, ${count}) AS i`);
  } finally {
    await handle.close();
  }
}
