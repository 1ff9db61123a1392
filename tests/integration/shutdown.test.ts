import http from 'node:http';
import net from 'node:net';
import { EventSource } from 'eventsource';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { testDatabaseUrl } from '../support/database';
import { isRunning, killStartedServers, npmStart, serverDatabase, shutdownTimeoutMs, signInOwner } from '../support/production-server';
import { until } from '../support/until';

// The real `npm start` as a subprocess, as users and orchestrators run it: SIGTERMed with 20 requests accepted and an
// event stream open, and SIGKILLed (npm itself) to show the server does not outlive it. Nothing here is timed: each
// wait is for something the server does, with a deadline only so that a hang fails the test instead of stalling it.

beforeAll(() => {
  buildIfStale({ log: () => {} }); // once, here: `npm start` then finds the build fresh
}, 900_000);
afterEach(killStartedServers);

interface Answer {
  status: number;
  connection: string | undefined;
}

/**
 * POST /api/v1/users with `Expect: 100-continue`: resolves `accepted` once the server has taken the request (it
 * answered 100 Continue and the app is waiting for the body), and sends the body only when `send` is called.
 */
function heldCreate(origin: string, token: string, agent: http.Agent, n: number) {
  const body = JSON.stringify({ email: `held-${n}@shutdown.test`, name: `Held ${n}` });
  const request = http.request(`${origin}/api/v1/users`, {
    method: 'POST',
    agent,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  const accepted = new Promise<void>((resolve, reject) => request.once('continue', resolve).once('error', reject));
  const answer = new Promise<Answer>((resolve, reject) => {
    request.once('response', (response) => {
      response.resume().once('end', () => resolve({ status: response.statusCode!, connection: response.headers.connection }));
    });
    request.once('error', reject);
  });
  return { accepted, answer, send: () => request.end(body) };
}

/** A connection on which a request has begun to arrive (all but the blank line ending its headers). */
async function halfSentRequest(origin: string, requestPath: string) {
  const socket = net.connect(Number(new URL(origin).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`GET ${requestPath} HTTP/1.1\r\nHost: ${new URL(origin).host}\r\n`);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  return { finish: () => socket.write('\r\n'), closed };
}

/** Opens GET /api/v1/events and records its named `reconnect` events; resolves once the stream is open. */
async function openStream(origin: string, token: string): Promise<{ reconnects: unknown[] }> {
  const reconnects: unknown[] = [];
  const source = new EventSource(`${origin}/api/v1/events`, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${token}` } }),
  });
  source.addEventListener('reconnect', (event) => {
    reconnects.push(JSON.parse(event.data));
    source.close(); // an orchestrator's client would now reconnect to another instance
  });
  await new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (error) => reject(new Error(`stream failed: ${error.message}`));
  });
  return { reconnects };
}

const connectionOutcome = (origin: string) =>
  new Promise<string>((resolve) => {
    const socket = net.connect(Number(new URL(origin).port), '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve('accepted')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });

function describeShutdown(driver: 'pglite' | 'postgres') {
  const missing = driver === 'postgres' && !testDatabaseUrl;
  describe.skipIf(missing)(`npm start, stopped [${missing ? 'postgres: skipped because TEST_DATABASE_URL is not set' : driver}]`, { timeout: 180_000 }, () => {
    let database: Record<string, string>;
    let cleanUp = async () => {};
    beforeAll(async () => {
      ({ env: database, remove: cleanUp } = await serverDatabase(driver));
    });
    afterAll(() => cleanUp());

    it('SIGTERM drains: every accepted request completes, the stream is told to reconnect, new connections are refused, exit 0', async () => {
      const server = await npmStart(database);
      const token = await signInOwner(server.origin);
      const stream = await openStream(server.origin, token);
      const agent = new http.Agent({ keepAlive: true });
      const held = Array.from({ length: 20 }, (_, n) => heldCreate(server.origin, token, agent, n));
      await Promise.all(held.map(({ accepted }) => accepted));
      const readiness = await halfSentRequest(server.origin, '/api/ready');

      process.kill(server.npm.pid!, 'SIGTERM'); // npm passes it on to the server, its child
      await until('the server to start draining', () => server.output().includes('draining'));
      expect(await connectionOutcome(server.origin)).toBe('ECONNREFUSED');
      for (const { send } of held) send();
      readiness.finish();

      const answers = await Promise.all(held.map(({ answer }) => answer));
      expect(answers).toEqual(Array.from({ length: 20 }, () => ({ status: 201, connection: 'close' })));
      // A request that arrived during the drain is served, not reset: readiness says this server is going away.
      expect(await readiness.closed).toMatch(/^HTTP\/1\.1 503 [\s\S]*\r\nconnection: close\r\n/i);
      expect(stream.reconnects).toEqual([{ reason: 'shutdown' }]);
      expect(await server.exited).toBe(0);
      expect(isRunning(server.serverPid)).toBe(false);
      expect(server.output()).toMatch(/"database":"closed","outcome":"drained","msg":"stopped"/);
      agent.destroy();

      // The database was closed cleanly (on PGlite: its files and lock released), with every write in it.
      const again = await npmStart(database);
      const users = await fetch(`${again.origin}/api/v1/users?limit=100`, { headers: { authorization: `Bearer ${await signInOwner(again.origin)}` } });
      const emails = ((await users.json()) as { items: { email: string }[] }).items.map(({ email }) => email);
      expect(emails.filter((email) => email.startsWith('held-'))).toHaveLength(20);
      process.kill(again.npm.pid!, 'SIGTERM');
      expect(await again.exited).toBe(0);
    });

    it('past ROSTER_SHUTDOWN_TIMEOUT_MS, cuts off what is still open, still closes the database, and exits 1', async () => {
      const server = await npmStart(database, { ROSTER_SHUTDOWN_TIMEOUT_MS: '500' });
      const agent = new http.Agent({ keepAlive: true });
      const held = heldCreate(server.origin, await signInOwner(server.origin), agent, 99); // its body never comes
      await held.accepted;
      process.kill(server.npm.pid!, 'SIGTERM');
      await expect(held.answer).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(await server.exited).toBe(1);
      expect(server.output()).toMatch(/"open":\["POST \/api\/v1\/users"\],"cutOff":1,"timeoutMs":500,"msg":"shutdown deadline passed/);
      expect(server.output()).toMatch(/"database":"closed","outcome":"deadline","msg":"stopped"/);
      agent.destroy();
    });

    it('a server whose npm is killed (SIGKILL) does not live on as an orphan', async () => {
      const server = await npmStart(database);
      process.kill(server.npm.pid!, 'SIGKILL');
      await until('the orphaned server to exit', () => !isRunning(server.serverPid), shutdownTimeoutMs + 10_000);
      expect(await connectionOutcome(server.origin)).toBe('ECONNREFUSED');
    });
  });
}

describeShutdown('pglite');
describeShutdown('postgres');
