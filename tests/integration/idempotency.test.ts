import { asc, count, eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdempotencyKeyInFlight, IdempotencyKeyReused, purgeExpiredIdempotencyKeys, requestFingerprint, runIdempotently } from '@/core/idempotency';
import { createUser } from '@/core/users';
import { getDatabase } from '@/db';
import type { Database, DatabaseHandle } from '@/db/client';
import { auditEvents, idempotencyKeys, invitations, mailOutbox, users } from '@/db/schema';
import * as invitationsRoute from '../../app/api/v1/invitations/route';
import * as collectionRoute from '../../app/api/v1/users/route';
import { describeEachDatabase, openTestDatabase, testDatabaseUrl, truncateAll } from '../support/database';
import { apiKeyFor, bearerFor, systemPrincipal, type TestApiKey } from '../support/principals';
import type { Problem } from '../support/problem';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const BASE = 'http://localhost:3000';
const fingerprinted = (key: string, body = '{"a":1}') => ({ scope: 'api-key:test', key, fingerprint: requestFingerprint('POST', '/x', body) });
const creating = (name: string) => async (tx: Database) => {
  const user = await createUser({ db: tx, principal: systemPrincipal() }, { email: `${name}@example.com`, name });
  return { status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) };
};
const db = async () => (await getDatabase()).db;
let key: TestApiKey;

function post(body: string, headers: Record<string, string> = {}, credential = key): Promise<Response> {
  const request = new Request(`${BASE}/api/v1/users`, {
    method: 'POST',
    body,
    headers: { ...credential.headers, 'content-type': 'application/json', ...headers },
  });
  return collectionRoute.POST(request, { params: Promise.resolve({}) });
}

async function snapshot(response: Response) {
  const headers = Object.fromEntries([...response.headers].filter(([name]) => !name.startsWith('ratelimit')));
  return { status: response.status, headers, body: await response.text() };
}

const userCount = async () => (await (await db()).select({ n: count() }).from(users))[0]!.n;
const auditCount = async () => (await (await db()).select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, 'user.created')))[0]!.n;

beforeEach(async () => {
  await truncateAll(await db());
  key = await apiKeyFor(await db(), ['users:read', 'users:write']);
});

describe('POST /api/v1/invitations with Idempotency-Key', () => {
  const invite = (body: string) =>
    invitationsRoute.POST(
      new Request(`${BASE}/api/v1/invitations`, { method: 'POST', body, headers: { ...key.headers, 'content-type': 'application/json', 'idempotency-key': '"invite-1"' } }),
      { params: Promise.resolve({}) },
    );
  const rows = async () => [(await (await db()).select({ n: count() }).from(invitations))[0]!.n, (await (await db()).select({ n: count() }).from(mailOutbox))[0]!.n];

  it('a retry replays the invitation and neither invites nor emails twice; another payload under the key is a 422', async () => {
    const first = await snapshot(await invite(JSON.stringify({ email: 'grace@example.com', role: 'viewer' })));
    expect(first.status).toBe(201);
    const retry = await snapshot(await invite(JSON.stringify({ role: 'viewer', email: 'grace@example.com' })));
    expect(retry).toEqual({ ...first, headers: { ...first.headers, 'idempotent-replayed': 'true' } });
    expect(await rows()).toEqual([1, 1]);

    const other = await invite(JSON.stringify({ email: 'alan@example.com', role: 'viewer' }));
    expect(other.status).toBe(422);
    expect(await rows()).toEqual([1, 1]);
  });
});

describe('POST /api/v1/users with Idempotency-Key', () => {
  it('a retry with the same key and payload replays status, headers and body, and creates nothing more', async () => {
    const body = JSON.stringify({ email: 'ada@example.com', name: 'Ada' });
    const first = await snapshot(await post(body, { 'idempotency-key': '"8e03978e-40d5-43e8-bc93-6894a57f9324"' }));
    expect(first.status).toBe(201);
    expect(first.headers.location).toMatch(/^http:\/\/localhost:3000\/api\/v1\/users\/[0-9a-f-]{36}$/);

    // The same JSON, re-serialised by another client library: keys in another order, other spacing.
    const retry = await snapshot(await post('{ "name": "Ada",  "email": "ada@example.com" }', { 'idempotency-key': '"8e03978e-40d5-43e8-bc93-6894a57f9324"' }));
    expect(retry).toEqual({ ...first, headers: { ...first.headers, 'idempotent-replayed': 'true' } });
    expect(await userCount()).toBe(1);
    expect(await auditCount()).toBe(1);
    const [stored] = await (await db()).select().from(idempotencyKeys);
    expect(stored).toMatchObject({ scope: `api-key:${key.id}`, key: '8e03978e-40d5-43e8-bc93-6894a57f9324', status: 201, body: first.body });
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBe(24 * 3600 * 1000);
  });

  it('the same key with another payload is a 422, and creates nothing', async () => {
    await post(JSON.stringify({ email: 'one@example.com', name: 'One' }), { 'idempotency-key': 'key-1' });
    const reused = await post(JSON.stringify({ email: 'two@example.com', name: 'Two' }), { 'idempotency-key': 'key-1' });

    expect(reused.status).toBe(422);
    expect((await reused.json()) as Problem).toEqual({
      type: 'urn:roster:problem:idempotency-key-reused',
      title: 'Idempotency-Key reused',
      status: 422,
      detail: 'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
      instance: '/api/v1/users',
    });
    expect(await userCount()).toBe(1);
  });

  it('keys belong to the credential: another caller’s same key is another key', async () => {
    const body = JSON.stringify({ email: 'shared@example.com', name: 'Shared' });
    expect((await post(body, { 'idempotency-key': 'same' })).status).toBe(201);
    const admin = await bearerFor(await db(), 'admin');
    const other = { id: admin.userId, secret: admin.token, headers: admin.headers };
    const fromOther = await post(body, { 'idempotency-key': 'same' }, other);
    // Ran for real (not a replay of someone else's response): the email is taken by now.
    expect(fromOther.status).toBe(409);
    expect(fromOther.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a failed request stores nothing: the key stays free for the corrected request', async () => {
    const invalid = await post(JSON.stringify({ email: 'not-an-email', name: 'X' }), { 'idempotency-key': 'fix-me' });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).type).toBe('urn:roster:problem:validation-failed');
    expect(await (await db()).select().from(idempotencyKeys)).toEqual([]);

    expect((await post(JSON.stringify({ email: 'fixed@example.com', name: 'X' }), { 'idempotency-key': 'fix-me' })).status).toBe(201);
  });

  it('parallel retries with one key create one user: the others are told it is in flight, or get the replay', async () => {
    const body = JSON.stringify({ email: 'race@example.com', name: 'Race' });
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(body, { 'idempotency-key': 'race' })));
    const created = responses.filter((response) => response.status === 201);
    expect(created.filter((response) => response.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    for (const response of responses.filter((r) => r.status !== 201)) {
      expect(response.status).toBe(409);
      expect((await response.json()).type).toBe('urn:roster:problem:idempotency-key-in-flight');
    }
    expect(await userCount()).toBe(1);
  });

  it.each(['', '""', '"has\\"escape"', '"\u00e9"', 'x'.repeat(256), 'two words'])('refuses the malformed key %j with 400', async (header) => {
    const response = await post(JSON.stringify({ email: 'k@example.com', name: 'K' }), { 'idempotency-key': header });
    expect(response.status).toBe(400);
    expect((await response.json()).type).toBe('urn:roster:problem:invalid-idempotency-key');
    expect(await userCount()).toBe(0);
  });
});

describeEachDatabase('runIdempotently', (database) => {
  const request = fingerprinted;
  const created = creating;

  it('refuses a second request while the first is in flight (409), then replays it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = runIdempotently(database(), request('slow'), async (tx) => {
      await gate;
      return created('slow')(tx);
    });
    await expect(runIdempotently(database(), request('slow'), created('slow'))).rejects.toBeInstanceOf(IdempotencyKeyInFlight);
    release();
    expect((await first).replayed).toBe(false);
    expect((await runIdempotently(database(), request('slow'), created('slow'))).replayed).toBe(true);
  });

  it('writes the key in the transaction of the change: when the work fails after writing, neither stays', async () => {
    await expect(
      runIdempotently(database(), request('boom'), async (tx) => {
        await created('boom')(tx);
        throw new Error('crashed after creating');
      }),
    ).rejects.toThrow('crashed after creating');
    expect(await database().select().from(users)).toEqual([]);
    expect(await database().select().from(idempotencyKeys)).toEqual([]);
  });

  it('keeps a key 24 hours: after that the same key runs again, and the purge forgets it', async () => {
    const start = new Date('2026-01-01T00:00:00Z');
    await runIdempotently(database(), request('daily'), created('day1'), { now: () => start });
    const later = new Date(start.getTime() + 24 * 3600 * 1000 - 1);
    expect((await runIdempotently(database(), request('daily'), created('day1b'), { now: () => later })).replayed).toBe(true);
    await expect(runIdempotently(database(), request('daily', '{"a":2}'), created('x'), { now: () => later })).rejects.toBeInstanceOf(IdempotencyKeyReused);

    const nextDay = new Date(start.getTime() + 24 * 3600 * 1000);
    expect(await purgeExpiredIdempotencyKeys(database(), nextDay)).toBe(1);
    expect((await runIdempotently(database(), request('daily', '{"a":2}'), created('day2'), { now: () => nextDay })).replayed).toBe(false);
    expect((await database().select({ email: users.email }).from(users).orderBy(asc(users.email))).map((u) => u.email)).toEqual([
      'day1@example.com',
      'day2@example.com',
    ]);
  });
});

describe.skipIf(!testDatabaseUrl)(`runIdempotently across instances [${testDatabaseUrl ? 'postgres' : 'postgres: skipped because TEST_DATABASE_URL is not set'}]`, () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openTestDatabase('postgres');
  });
  afterAll(async () => handle.close());

  it('another instance still running the same key (its transaction open) gets 409 too', async () => {
    // What another instance holds while it runs the key: an advisory lock on the scope and key, on its own connection.
    const other = new pg.Client({ connectionString: (handle.db as unknown as { $client: pg.Pool }).$client.options.connectionString });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', ['api-key:test\nelsewhere']);
      await expect(runIdempotently(handle.db, fingerprinted('elsewhere'), creating('elsewhere'))).rejects.toBeInstanceOf(IdempotencyKeyInFlight);
      expect(await handle.db.select().from(users)).toEqual([]);
      await other.query('SELECT pg_advisory_unlock_all()');
      expect((await runIdempotently(handle.db, fingerprinted('elsewhere'), creating('elsewhere'))).replayed).toBe(false);
    } finally {
      await other.end();
    }
  });
});
