// `npm run db:migrate`: applies the committed migrations (drizzle/) to the database configured by the
// environment: DATABASE_URL (PostgreSQL), else embedded PGlite at ROSTER_DATA_DIR (default ./data).
import { databaseConfigFromEnv, openDatabase } from '@/db/client';
import { describeDatabase, runCli } from './cli';

await runCli(async () => {
  const config = databaseConfigFromEnv();
  console.log(`Migrating ${describeDatabase(config)}…`);
  const started = performance.now();
  const handle = await openDatabase(config); // applies any pending migrations
  await handle.close();
  console.log(`Schema up to date (${Math.round(performance.now() - started)} ms).`);
});
