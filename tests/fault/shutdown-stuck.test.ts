import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { seedUsersFor } from '../support/bulk-users';
import { testDatabaseUrl } from '../support/database';
import { exportBackends, killStartedServers, npmStart, serverDatabase, signInOwner, type ProductionServer, type ServerDatabase } from '../support/production-server';
import { rawGet } from '../support/raw-http';
import { until } from '../support/until';

// SIGTERM to the real `npm start` while something never finishes by itself: an export whose client stopped reading
// (a stuck stream), and queries stuck behind locks held elsewhere (one in an export, one in a background job, whose
// connection the pool's end() would wait for forever). Whatever is stuck, the server exits once its deadline has
// passed, with 1, and says what was still open. Nothing is timed: the exit is awaited with a hang guard only.

const shutdownTimeoutMs = 2_000;

beforeAll(() => {
  buildIfStale({ log: () => {} });
}, 900_000);
afterEach(killStartedServers);

/** The server's exit code, or a failure if it is still running long after any deadline it has. */
async function exitCode(server: ProductionServer): Promise<number | null> {
  const hangGuard = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running:\n${server.output()}`)), 120_000).unref());
  return Promise.race([server.exited, hangGuard]);
}

function describeStuckShutdown(driver: 'pglite' | 'postgres') {
  const missing = driver === 'postgres' && !testDatabaseUrl;
  describe.skipIf(missing)(`SIGTERM with something stuck, npm start [${missing ? 'postgres: skipped because TEST_DATABASE_URL is not set' : driver}]`, { timeout: 300_000 }, () => {
    let database: ServerDatabase;
    beforeAll(async () => {
      database = await serverDatabase(driver);
      await seedUsersFor(database, 150_000); // ~20 MB of CSV: more than the sockets on both sides buffer
    }, 300_000);
    afterAll(async () => database?.remove());

    it('an export whose client stopped reading is cut off at ROSTER_SHUTDOWN_TIMEOUT_MS: exit 1, the log names it', async () => {
      const server = await npmStart(database.env, { ROSTER_SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) });
      const client = rawGet(server.origin, '/api/v1/users/export?format=csv', await signInOwner(server.origin));
      await client.headArrived();
      client.socket.pause();

      process.kill(server.npm.pid!, 'SIGTERM');
      expect(await exitCode(server)).toBe(1);
      expect(server.output()).toMatch(/"open":\["GET \/api\/v1\/users\/export \(streaming\)"\],"cutOff":1,"timeoutMs":2000,"msg":"shutdown deadline passed/);
      expect(server.output()).toMatch(/"database":"closed","outcome":"deadline","msg":"stopped"/);
      await until('the export backend to go', async () => (await exportBackends(database)).length === 0);
      client.socket.destroy();
    });

    // PostgreSQL only: nothing outside the server can lock the embedded database's tables.
    if (driver === 'postgres') it('queries stuck behind locks: the database close times out too, exit 1, the log says so', async () => {
      const server = await npmStart(database.env, { ROSTER_SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) });
      const token = await signInOwner(server.origin);
      // Held elsewhere, as a migration or a long maintenance job would: the audit export's event and the mailer's
      // next pass both wait for them, each on a connection of the server's pool. (Not on the observer: inside a
      // transaction, pg_stat_activity shows the same snapshot on every read.)
      const locker = new pg.Client({ connectionString: database.env.DATABASE_URL });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE audit_events, mail_outbox IN ACCESS EXCLUSIVE MODE');
      try {
        const client = rawGet(server.origin, '/api/v1/audit-events/export', token);
        await until('an export and the mailer waiting for the locks', async () => {
          const { rows } = await database.observer!.query<{ query: string }>("SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
          return rows.some(({ query }) => query.includes('audit_events')) && rows.some(({ query }) => query.includes('mail_outbox'));
        });

        process.kill(server.npm.pid!, 'SIGTERM');
        expect(await exitCode(server)).toBe(1);
        expect(server.output()).toMatch(/"open":\["GET \/api\/v1\/audit-events\/export"\],"cutOff":1,"timeoutMs":2000,"msg":"shutdown deadline passed/);
        expect(server.output()).toMatch(/"closeGraceMs":3000,"msg":"the database did not close in time/);
        expect(server.output()).toMatch(/"database":"timed out","outcome":"deadline","msg":"stopped"/);
        client.socket.destroy();
      } finally {
        await locker.end();
      }
    });
  });
}

describeStuckShutdown('pglite');
describeStuckShutdown('postgres');
