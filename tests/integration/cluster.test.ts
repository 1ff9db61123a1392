import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { EventSource } from 'eventsource';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '@/db/client';
import { users } from '@/db/schema';
import { batchSizeFor } from '@/rate-limit/batched';
import { haproxyBin, startCluster, type Cluster } from '../../scripts/cluster.mjs';
import { dropPostgresTestDatabase, testDatabaseUrl } from '../support/database';
import { onEveryEvent } from '../support/event-source';
import { reservePorts } from '../support/ports';
import { apiKeyFor, insertUser, TEST_PASSWORD, type TestApiKey } from '../support/principals';
import { SoftwareAuthenticator } from '../support/software-authenticator';

// Two real Roster instances (`npm start`, the production build) on one PostgreSQL database behind a real HAProxy,
// started by the cluster script itself. Ports: three in a row from this worker's own block (tests/support/ports.ts),
// HAProxy on the first and the instances on the next two, so no other worker, e2e run or fuzzer can hold them.
const skipReason = !testDatabaseUrl
  ? 'TEST_DATABASE_URL is not set'
  : !existsSync(haproxyBin)
    ? `HAProxy is not installed at ${haproxyBin}`
    : undefined;
const authRequestsPerIp = 10;
const apiRequestsPerKey = 600;

let cluster: Cluster;
let handle: DatabaseHandle;
let databaseName: string;
let key: TestApiKey;
let cookie: string;
const logs: string[] = [];

const adminQuery = async (query: string) => {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  await client.query(query).finally(() => client.end());
};

/** A request from a chosen local address (127.0.0.x is all loopback on Linux), to play a client that isn't trusted. */
function request(url: string, { method = 'GET', headers = {}, body, from }: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const outgoing = http.request(url, { method, headers, localAddress: from, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const signInAttempt = (url: string, headers: Record<string, string> = {}, from?: string) =>
  request(`${url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: cluster.address, ...headers },
    body: JSON.stringify({ email: `nobody-${randomUUID()}@example.com`, password: 'not the password' }),
    from,
  });

const createUser = (url: string, email = `cluster-${randomUUID()}@example.com`, headers = key.headers) =>
  fetch(`${url}/api/v1/users`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ email, name: 'Cluster test', role: 'member' }),
  });

const consolePage = async (url: string, path: string) => (await fetch(`${url}${path}`, { headers: { cookie }, redirect: 'manual' })).text();

describe.skipIf(skipReason)(`several instances behind HAProxy${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const instance = (index: number) => cluster.instances[index]!.url;

  beforeAll(async () => {
    databaseName = `roster_cluster_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${databaseName}`);
    const url = new URL(testDatabaseUrl!);
    url.pathname = `/${databaseName}`;
    // Counters in PostgreSQL, the store this mode needs no more than: a developer's Redis stays out of it.
    const env = { ...process.env };
    delete env.ROSTER_REDIS_URL;
    cluster = await startCluster({
      instances: 2,
      port: await reservePorts(3),
      log: (line) => logs.push(line),
      env: {
        ...env,
        NODE_ENV: 'production',
        DATABASE_URL: url.toString(),
        ROSTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
        ROSTER_AUTH_RATE_LIMIT_IP: `${authRequestsPerIp}/600`,
        // An hour's window: a test that spends a budget does so within one window however slow the machine.
        ROSTER_API_RATE_LIMIT: `${apiRequestsPerKey}/3600`,
        LOG_LEVEL: 'warn',
      },
    }).catch((error: unknown) => {
      console.error(logs.join('\n'));
      throw error;
    });
    handle = await openDatabase({ driver: 'postgres', url: url.toString() });
    const owner = await insertUser(handle.db, 'owner', { password: true });
    key = await apiKeyFor(handle.db, ['users:read', 'users:write', 'events:read']);
    const signedIn = await request(`${instance(1)}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: cluster.address },
      body: JSON.stringify({ email: owner.email, password: TEST_PASSWORD }),
    });
    expect(signedIn.status).toBe(200);
    cookie = (signedIn.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]).join('; ');
  }, 900_000);

  afterAll(async () => {
    await cluster?.stop();
    await handle?.close();
    if (databaseName) await dropPostgresTestDatabase(databaseName);
  }, 120_000);

  /** An SSE client on `url`'s /api/v1/events, open; `typeOfEventAbout(id)` polls for what it heard of that subject. */
  async function streamOn(url: string) {
    const received: Array<{ type: string; subject: { id: string } | null }> = [];
    const source = new EventSource(`${url}/api/v1/events`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...key.headers } }),
    });
    await new Promise<void>((resolve, reject) => {
      source.onopen = () => resolve();
      source.onerror = (error) => reject(new Error(`stream failed: ${error.message}`));
    });
    onEveryEvent(source, (event) => received.push(JSON.parse(event.data)));
    return {
      typeOfEventAbout: (id: string) => expect.poll(() => received.find((event) => event.subject?.id === id)?.type, { timeout: 60_000, interval: 20 }),
      close: () => source.close(),
    };
  }

  it('shows a write made through the API on instance A on instance B’s console at B’s first read after B hears of it', async () => {
    const email = `fresh-${randomUUID()}@example.com`;
    expect(await consolePage(instance(1), '/users')).toContain('Users');
    // B serves the list from its cache: a row written behind every door's back (no event) doesn't show.
    const unannounced = await insertUser(handle.db, 'member');
    expect(await consolePage(instance(1), '/users')).not.toContain(unannounced.email);

    const stream = await streamOn(instance(1));
    try {
      const created = await createUser(instance(0), email);
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      // B's event feed expires the cached reads an event changed in the same turn as it hands the event to B's
      // streams. So once this client on B has the event, B's very next read is fresh. The 60-second expiry by age
      // could not pass this: it serves the stale page once more while it re-reads in the background.
      await stream.typeOfEventAbout(id).toBe('user.created');
      expect(await consolePage(instance(1), '/users')).toContain(email);
    } finally {
      stream.close();
    }
  });

  it('streams a write committed on A to an SSE client on B', async () => {
    const stream = await streamOn(instance(1));
    try {
      const created = (await (await createUser(instance(0))).json()) as { id: string };
      await stream.typeOfEventAbout(created.id).toBe('user.created');
    } finally {
      stream.close();
    }
  });

  it('counts a per-IP limit across instances: spent half on A and half on B, the next request is refused', async () => {
    // The test talks to the instances from 127.0.0.1, a trusted proxy: X-Forwarded-For names the client.
    const client = { 'x-forwarded-for': '203.0.113.77' };
    for (let attempt = 0; attempt < authRequestsPerIp; attempt++) {
      expect((await signInAttempt(instance(attempt % 2), client)).status).toBe(401);
    }
    expect((await signInAttempt(instance(0), client)).status).toBe(429);
    expect((await signInAttempt(instance(1), client)).status).toBe(429);
    expect((await signInAttempt(instance(1), { 'x-forwarded-for': '203.0.113.78' })).status).toBe(401);
  });

  it('holds an API key’s budget across instances within the documented tolerance: limit + instances × (batch − 1)', async () => {
    // A key of its own: the budget is per key. Counted in memory on each instance, synced in batches
    // (src/rate-limit/batched.ts): a budget of 600 has batches of 6.
    const own = await apiKeyFor(handle.db, ['users:read']);
    const statuses: number[] = [];
    // Both instances at once, three requests each at a time, all within the budget's one window (an hour).
    for (let round = 0; round < 120; round++) {
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => fetch(`${instance(i % 2)}/api/v1/users?limit=1`, { headers: own.headers })));
      for (const answer of answers) {
        statuses.push(answer.status);
        await answer.body?.cancel();
      }
    }
    const admitted = statuses.filter((status) => status === 200).length;
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    expect(admitted).toBeGreaterThanOrEqual(apiRequestsPerKey);
    expect(admitted).toBeLessThanOrEqual(apiRequestsPerKey + cluster.instances.length * (batchSizeFor(apiRequestsPerKey) - 1));
  });

  it('ignores a spoofed X-Forwarded-For from a client that is not a trusted proxy, directly and through HAProxy', async () => {
    for (const [url, from] of [
      [instance(0), '127.0.0.2'],
      [cluster.address.replace('localhost', '127.0.0.1'), '127.0.0.3'],
    ] as const) {
      for (let attempt = 0; attempt < authRequestsPerIp; attempt++) {
        // A new address every time: were any believed, the client would never run out.
        const spoofed = { 'x-forwarded-for': `198.51.100.${attempt + 1}`, 'x-roster-peer-address': `198.51.100.${attempt + 1}` };
        expect((await signInAttempt(url, spoofed, from)).status).toBe(401);
      }
      expect((await signInAttempt(url, { 'x-forwarded-for': '198.51.100.200' }, from)).status).toBe(429);
    }
  });

  it('adds a passkey through A and B (a challenge A gave, answered on B), then signs in with it on B and A', async () => {
    // A client of its own (a trusted proxy's X-Forwarded-For): the per-IP limit tests above spend theirs.
    const client = { 'content-type': 'application/json', origin: cluster.address, 'x-forwarded-for': '203.0.113.90' };
    const post = async (url: string, path: string, body: unknown, cookies: string) => {
      const response = await request(`${url}/api/auth${path}`, { method: 'POST', headers: { ...client, cookie: cookies }, body: JSON.stringify(body) });
      const set = (response.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]!).filter((pair) => !pair.endsWith('='));
      return { ...response, cookies: [cookies, ...set].filter(Boolean).join('; ') };
    };
    const authenticator = new SoftwareAuthenticator({ origin: cluster.address });

    const started = await post(instance(0), '/passkey/register-options', {}, cookie);
    expect(started.status, started.body).toBe(200);
    const registered = await post(instance(1), '/passkey/register', { name: 'Cluster key', response: authenticator.register(JSON.parse(started.body)) }, started.cookies);
    expect(registered.status, registered.body).toBe(200);

    for (const [first, second] of [
      [1, 0],
      [0, 1],
    ] as const) {
      const options = await post(instance(first), '/sign-in/passkey/options', {}, '');
      expect(options.status, options.body).toBe(200);
      const signedIn = await post(instance(second), '/sign-in/passkey', { response: authenticator.assert(JSON.parse(options.body)) }, options.cookies);
      expect(signedIn.status, signedIn.body).toBe(200);
      expect(signedIn.cookies).toMatch(/roster\.session_token=/);
    }
  });

  it('runs a Server Action posted to B from the form of a page rendered by A', async () => {
    const page = await consolePage(instance(0), '/users/new');
    const hidden = [...page.matchAll(/<input type="hidden" name="(\$ACTION[^"]*)"(?: value="([^"]*)")?/g)].map(
      ([, name, value = '']) => [name!, value.replaceAll('&quot;', '"').replaceAll('&amp;', '&')] as const,
    );
    expect(hidden.length).toBeGreaterThan(0);
    const email = `action-${randomUUID()}@example.com`;
    const form = new FormData();
    for (const [name, value] of hidden) form.append(name, value);
    form.append('name', 'Made by an action');
    form.append('email', email);
    form.append('role', 'member');
    const response = await fetch(`${instance(1)}/users/new`, { method: 'POST', body: form, headers: { cookie, origin: instance(1) }, redirect: 'manual' });
    expect(response.status).toBeLessThan(400);
    expect(await handle.db.select({ email: users.email }).from(users).where(inArray(users.email, [email]))).toEqual([{ email }]);
  });

  it('routes around an instance killed with SIGKILL under load, and loses no acknowledged write', async () => {
    // Acknowledged = a 201 status line received: the body may still be cut off when the instance dies mid-answer.
    const acknowledged: string[] = [];
    const outcomes: boolean[] = [];
    let killed = false;
    let afterKill = 0;
    const worker = async () => {
      while (afterKill < 120) {
        const email = `load-${randomUUID()}@example.com`;
        const response = await createUser(cluster.address, email).catch(() => undefined);
        const ok = response?.status === 201;
        if (ok) acknowledged.push(email);
        await response?.body?.cancel().catch(() => {});
        outcomes.push(ok);
        if (killed) afterKill += 1;
        if (!killed && acknowledged.length >= 40) {
          killed = true;
          await cluster.kill(0);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: 6 }, worker));
    } finally {
      if (killed) await cluster.start(0);
    }

    // Once HAProxy has marked it down (2 failed checks, 1 s apart), every request goes to the survivor.
    expect(outcomes.slice(-60).every(Boolean)).toBe(true);
    const stored = await handle.db.select({ email: users.email }).from(users).where(inArray(users.email, acknowledged));
    expect(stored).toHaveLength(acknowledged.length);
  });

  it('restarts every instance in turn under constant load without one failed request', async () => {
    const failures: string[] = [];
    let requests = 0;
    let restarting = true;
    // The instances enforce a real budget (apiRequestsPerKey per key and window). A fresh key of its own takes over
    // after every requestsPerLoadKey requests, so however long the restarts take no key reaches its budget: a 429 here
    // is a failure. Each worker paces itself to at most 20 requests a second.
    const requestsPerLoadKey = apiRequestsPerKey / 2;
    let loadKey = apiKeyFor(handle.db, ['users:read', 'users:write']);
    let loadKeyUses = 0;
    const nextLoadHeaders = async () => {
      if (loadKeyUses++ === requestsPerLoadKey) {
        loadKey = apiKeyFor(handle.db, ['users:read', 'users:write']);
        loadKeyUses = 1;
      }
      return (await loadKey).headers;
    };
    const worker = async (index: number) => {
      while (restarting) {
        const headers = await nextLoadHeaders();
        const pace = sleep(50);
        const response = await (index % 2 ? createUser(cluster.address, undefined, headers) : fetch(`${cluster.address}/api/v1/users?limit=1`, { headers })).catch(
          (error: unknown) => String(error),
        );
        await pace;
        requests += 1;
        if (typeof response === 'string') failures.push(response);
        else {
          if (!response.ok) failures.push(`${response.status} ${await response.text()}`);
          else await response.body?.cancel();
        }
      }
    };
    const load = Promise.all(Array.from({ length: 4 }, (_, index) => worker(index)));
    for (let index = 0; index < cluster.instances.length; index++) await cluster.restart(index);
    restarting = false;
    await load;
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(0);
  });
});
