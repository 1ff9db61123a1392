// `npm run db:seed -- --users N`: fills the database configured by the environment (DATABASE_URL, else embedded
// PGlite at ROSTER_DATA_DIR or ./data) with N realistic fake users. Safe to run again: every run's emails differ.
import { databaseConfigFromEnv, openDatabase } from '@/db/client';
import { seedUsers } from '@/db/seed';
import { describeDatabase, parseCommandLine, runCli, UsageError } from './cli';

const DEFAULT_USERS = 1_000;
/** Guards against a typo'd extra digit or three; larger seeds can be run in several goes. */
const MAX_USERS = 10_000_000;
const usage = `Usage: npm run db:seed -- [--users N]   (N from 1 to ${MAX_USERS.toLocaleString('en-US')}, default ${DEFAULT_USERS})`;

function parseUserCount(argv: string[]): number {
  const { values } = parseCommandLine({ args: argv, options: { users: { type: 'string' } } }, usage);
  if (values.users === undefined) return DEFAULT_USERS;
  const text = values.users.trim();
  const count = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(count) || count < 1 || count > MAX_USERS) {
    throw new UsageError(`--users must be a whole number from 1 to ${MAX_USERS.toLocaleString('en-US')}, got "${values.users}"\n${usage}`);
  }
  return count;
}

await runCli(async () => {
  const count = parseUserCount(process.argv.slice(2));
  const config = databaseConfigFromEnv();
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Seeding ${count.toLocaleString('en-US')} users into ${describeDatabase(config)}…`);

  const handle = await openDatabase(config);
  console.log(`  database open and migrated: ${seconds()}s`);
  let result;
  try {
    let reported = 0;
    result = await seedUsers(handle.db, count, {
      onProgress: (inserted, total) => {
        // About ten progress lines, whatever the size.
        if (inserted < total && inserted - reported < total / 10) return;
        reported = inserted;
        const percent = Math.floor((inserted / total) * 100);
        console.log(`  ${inserted.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} inserted (${percent}%): ${seconds()}s`);
      },
    });
  } finally {
    await handle.close();
  }
  console.log(`Done: ${count.toLocaleString('en-US')} users committed in ${seconds()}s (emails tagged +${result.runToken}).`);
});
