import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { seedUsersFor } from '../support/bulk-users';
import { testDatabaseUrl } from '../support/database';
import { exportBackends, killStartedServers, npmStart, serverDatabase, serverOwner, signInOwner, type ProductionServer, type ServerDatabase } from '../support/production-server';
import { rawGet } from '../support/raw-http';
import { until } from '../support/until';

// Clients that go away from an export (and an event stream) at every moment, against the real `npm start`: their
// connection closed before the response head, after it, mid-body, or left open but no longer read. Whatever the
// moment, the export's slot, snapshot and database connection come back: no backend is left in pg_stat_activity,
// and as many exports as the server allows then run at once. Nothing is timed: the waits are for conditions.

const seededUsers = 150_000; // ~20 MB of CSV: more than the sockets on both sides buffer
const sendTimeoutMs = 2_000;
/** Hang guards, not speed checks: on a loaded machine the embedded database fills socket buffers slowly. */
const hangGuardMs = 180_000;

beforeAll(() => {
  buildIfStale({ log: () => {} });
}, 900_000);

const exportPaths = ['/api/v1/users/export?format=csv', '/api/v1/users/export?format=ndjson', '/api/v1/audit-events/export?format=csv'];

function describeAbandonedExports(driver: 'pglite' | 'postgres') {
  const missing = driver === 'postgres' && !testDatabaseUrl;
  describe.skipIf(missing)(`abandoned exports, npm start [${missing ? 'postgres: skipped because TEST_DATABASE_URL is not set' : driver}]`, { timeout: 300_000 }, () => {
    let database: ServerDatabase;
    let server: ProductionServer;
    let token: string;

    beforeAll(async () => {
      database = await serverDatabase(driver);
      await seedUsersFor(database, seededUsers);
      // As many slots as one caller may take: the checks below take all three at once.
      server = await npmStart(database.env, { ROSTER_EXPORTS_AT_ONCE: '3', ROSTER_EXPORTS_PER_CALLER: '3', ROSTER_SEND_TIMEOUT_MS: String(sendTimeoutMs) });
      token = await signInOwner(server.origin);
    }, 300_000);
    afterAll(async () => {
      killStartedServers();
      await server?.exited;
      await database?.remove();
    });

    /**
     * Every export released: no backend left, and three exports (ROSTER_EXPORTS_AT_ONCE) run at once, to the end. An
     * abandoned export is not an error: none was logged.
     */
    async function expectEveryExportReleased() {
      await until('no export backend left', async () => (await exportBackends(database)).length === 0, hangGuardMs);
      const ownerRow = new RegExp(`^id,email,[^\\n]+\\n[^\\n]+,${serverOwner.email},[^\\n]+\\n$`);
      await until('three exports at once', async () => {
        const responses = await Promise.all([1, 2, 3].map(() => fetch(`${server.origin}/api/v1/users/export?role=owner`, { headers: { authorization: `Bearer ${token}` } })));
        const bodies = await Promise.all(responses.map((response) => response.text()));
        return responses.every((response) => response.status === 200) && bodies.every((body) => ownerRow.test(body));
      }, hangGuardMs);
      expect(server.output()).not.toMatch(/"level":50/);
    }

    const disconnectedForStalling = () => server.output().match(/the client took nothing for ROSTER_SEND_TIMEOUT_MS/g)?.length ?? 0;

    it('closed before the response head, at many moments: nothing is left behind', async () => {
      // From at once to well after the head: some of these land while the export opens its snapshot.
      for (const path of exportPaths) {
        for (const delayMs of [0, 0, 1, 1, 2, 3, 5, 8, 13, 21]) {
          const client = rawGet(server.origin, path, token);
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          client.socket.destroy();
        }
      }
      await expectEveryExportReleased();
    });

    it('closed after the head, and mid-body: nothing is left behind', async () => {
      for (const path of exportPaths) {
        const client = rawGet(server.origin, path, token);
        await client.headArrived();
        client.socket.destroy();
      }
      for (const path of exportPaths.slice(0, 2)) {
        const client = rawGet(server.origin, path, token);
        await client.bytesArrived(1_000_000);
        client.socket.destroy();
      }
      await expectEveryExportReleased();
    });

    it('left open but no longer read: disconnected after ROSTER_SEND_TIMEOUT_MS, and nothing is left behind', async () => {
      const before = disconnectedForStalling();
      const clients = exportPaths.slice(0, 2).map((path) => rawGet(server.origin, path, token));
      for (const client of clients) {
        await client.headArrived();
        client.socket.pause();
      }
      await until('the stalled clients to be disconnected', () => disconnectedForStalling() === before + 2, hangGuardMs);
      expect(server.output()).toMatch(new RegExp(`"method":"GET","path":"/api/v1/users/export","sendTimeoutMs":${sendTimeoutMs},"msg":"the client took nothing`));
      await expectEveryExportReleased();
      // Reading again, each client gets what was already on its way, then the end of a download cut short (no last chunk).
      for (const client of clients) {
        client.socket.resume();
        await client.closed;
        expect(client.received().endsWith('\r\n0\r\n\r\n')).toBe(false);
      }
    });

    it('event streams closed before the head, at many moments, give back their slots too', async () => {
      // ROSTER_EVENTS_MAX_STREAMS_PER_CREDENTIAL is 5: four times as many abandoned streams would exhaust it had any leaked.
      for (const delayMs of [0, 0, 1, 1, 2, 2, 3, 3, 5, 5, 8, 8, 13, 13, 21, 21, 34, 34, 55, 55]) {
        const client = rawGet(server.origin, '/api/v1/events', token);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        client.socket.destroy();
      }
      await until('five streams at once', async () => {
        const streams = Array.from({ length: 5 }, () => rawGet(server.origin, '/api/v1/events', token));
        const heads = await Promise.all(streams.map(async (stream) => (await stream.headArrived(), stream.received())));
        streams.forEach((stream) => stream.socket.destroy());
        return heads.every((head) => head.startsWith('HTTP/1.1 200 '));
      });
      expect(server.output()).not.toMatch(/"level":50/);
    });
  });
}

describeAbandonedExports('pglite');
describeAbandonedExports('postgres');
