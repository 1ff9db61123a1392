import { createHash } from 'node:crypto';
import { asc, desc, eq, notInArray } from 'drizzle-orm';
import { revalidateTag } from 'next/cache';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { confirmEmailVerification } from '@/core/accounts';
import { closeDatabase, getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents, users, type UserRow } from '@/db/schema';
import * as itemRoute from '../../app/api/v1/users/[id]/route';
import * as collectionRoute from '../../app/api/v1/users/route';
import { truncateAll } from '../support/database';
import { queuedMail } from '../support/outbox';
import { apiKeyFor, bearerFor, type TestApiKey } from '../support/principals';
import type { Problem } from '../support/problem';

// revalidateTag throws outside a Next request; the mock also lets us check which cache tags each write marks stale.
vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));
const revalidate = vi.mocked(revalidateTag);

const BASE = 'http://localhost:3000';
const COLLECTION = '/api/v1/users';
const MAX_BODY_BYTES = 1024 * 1024;
const DTO_KEYS = ['createdAt', 'email', 'externalId', 'id', 'metadata', 'name', 'plan', 'role', 'status', 'subscriptionStatus', 'updatedAt', 'version'];

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

interface CallOptions {
  /** Serialised as the body, with Content-Type application/json unless `headers` says otherwise. */
  json?: unknown;
  /** A raw body: no Content-Type is added. */
  body?: BodyInit;
  /** Sent as given, after the default `Authorization` (the test's write API key), which they may replace. */
  headers?: Record<string, string>;
}


interface UserDto {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
  plan: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Calls the route handler that Next would route `path` to, the way Next calls it. */
function call(method: Method, path: string, { json, body, headers = {} }: CallOptions = {}): Promise<Response> {
  const url = new URL(path, BASE);
  const init: RequestInit & { duplex?: 'half' } = { method, headers: { ...apiKey.headers, ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
    if (!hasContentType) (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  } else if (body !== undefined) {
    init.body = body;
    if (body instanceof ReadableStream) init.duplex = 'half';
  }
  const request = new Request(url, init);

  if (url.pathname === COLLECTION) return collectionRoute[method](request, { params: Promise.resolve({}) });
  const match = /^\/api\/v1\/users\/([^/]+)$/.exec(url.pathname);
  if (!match) throw new Error(`no route for ${url.pathname}`);
  return itemRoute[method](request, { params: Promise.resolve({ id: decodeURIComponent(match[1]!) }) });
}

/** Every error is RFC 9457 problem+json whose status matches the HTTP status and whose instance is the path. */
async function expectProblem(response: Response, status: number, path: string): Promise<Problem> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = JSON.parse(text) as Problem;
  expect(problem).toMatchObject({
    type: expect.stringMatching(/^urn:roster:problem:[a-z-]+$/),
    title: expect.any(String),
    status,
    instance: new URL(path, BASE).pathname,
  });
  expect(problem.title.length).toBeGreaterThan(0);
  return problem;
}

async function expectUser(response: Response, status: number): Promise<UserDto> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const user = JSON.parse(text) as UserDto;
  expect(Object.keys(user).sort()).toEqual(DTO_KEYS);
  return user;
}

let db: Database;
/**
 * Who calls: an integration's write API key (made by the CLI, so it is no user and adds no row to `users`). It
 * acts as an admin; the tests that create admins send an owner's session token instead.
 */
let apiKey: TestApiKey;
const userRows = () => db.select().from(users).orderBy(asc(users.email));
const userRow = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0];
/** The audit trail of the test's requests (the API key's creation and the callers' sign-ins are setup). */
const auditRows = () =>
  db
    .select()
    .from(auditEvents)
    .where(notInArray(auditEvents.action, ['api-key.created', 'user.signed-in']))
    .orderBy(asc(auditEvents.createdAt), asc(auditEvents.id));

async function createUser(fields: Record<string, unknown>, headers?: Record<string, string>): Promise<UserDto> {
  return expectUser(await call('POST', COLLECTION, { json: fields, headers }), 201);
}

/** Inserts rows straight into the table (no audit), oldest first, one millisecond apart. */
async function insertUsers(count: number, make: (i: number) => Partial<UserRow> = () => ({})): Promise<UserRow[]> {
  const start = Date.UTC(2024, 0, 1);
  const rows = Array.from({ length: count }, (_, i) => ({
    id: uuidv7(),
    email: `bulk${i}@example.com`,
    name: `Bulk ${i}`,
    createdAt: new Date(start + i),
    updatedAt: new Date(start + i),
    ...make(i),
  }));
  return db.insert(users).values(rows).returning();
}

function expectRevalidated(id: string): void {
  expect(revalidate).toHaveBeenCalledTimes(2);
  expect(revalidate).toHaveBeenCalledWith('users', 'max');
  expect(revalidate).toHaveBeenCalledWith(`user:${id}`, 'max');
}

const listUrl = (query: Record<string, string>) => `${COLLECTION}?${new URLSearchParams(query)}`;

beforeAll(async () => {
  // These tests TRUNCATE: never let a DATABASE_URL exported in the shell point them at a real database.
  if (process.env.DATABASE_URL) throw new Error('Unset DATABASE_URL: these tests run on the in-memory database vitest.config.ts sets up.');
  ({ db } = await getDatabase());
});
afterAll(async () => {
  await closeDatabase();
});
beforeEach(async () => {
  await truncateAll(db);
  apiKey = await apiKeyFor(db, ['users:write']);
  revalidate.mockClear();
});

describe('POST /api/v1/users', () => {
  it('creates a user: 201, absolute Location, ETag, exact camelCase DTO, normalised email, audit event, cache revalidated', async () => {
    // Creating an admin takes an owner.
    const owner = await bearerFor(db, 'owner');
    const response = await call('POST', COLLECTION, { json: { email: '  Grace.Hopper@Example.COM ', name: ' Grace Hopper ', role: 'admin' }, headers: owner.headers });
    const user = await expectUser(response, 201);

    expect(user).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      email: 'grace.hopper@example.com',
      name: 'Grace Hopper',
      role: 'admin',
      status: 'active',
      plan: 'free',
      subscriptionStatus: null,
      externalId: null,
      metadata: {},
      version: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(response.headers.get('location')).toBe(`${BASE}/api/v1/users/${user.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('cache-control')).toBe('no-store, no-transform');

    const rows = (await userRows()).filter((row) => row.id !== owner.userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: user.id, email: 'grace.hopper@example.com', name: 'Grace Hopper', role: 'admin', status: 'active', plan: 'free', version: 1 });
    expect(rows[0]!.createdAt.toISOString()).toBe(user.createdAt);

    const events = await auditRows();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ door: 'api', actor: `user:${owner.userId}`, action: 'user.created', subjectId: user.id });
    expect(events[0]!.changes).toEqual({
      email: { before: null, after: 'grace.hopper@example.com' },
      name: { before: null, after: 'Grace Hopper' },
      role: { before: null, after: 'admin' },
      status: { before: null, after: 'active' },
      plan: { before: null, after: 'free' },
    });
    expectRevalidated(user.id);
  });

  it('defaults role and status, and accepts a JSON content type with parameters', async () => {
    const response = await call('POST', COLLECTION, {
      json: { email: 'ada@example.com', name: 'Ada' },
      headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
    });
    const user = await expectUser(response, 201);
    expect(user).toMatchObject({ role: 'member', status: 'active' });
  });

  it('the Location it returns serves the created user', async () => {
    const created = await call('POST', COLLECTION, { json: { email: 'loc@example.com', name: 'Loc' } });
    const location = created.headers.get('location')!;
    const fetched = await expectUser(await call('GET', location), 200);
    expect(fetched).toEqual(await created.json());
  });

  describe('400 malformed JSON', () => {
    it.each([
      ['truncated', '{"email": "a@example.com", "name":'],
      ['single quotes', "{'email': 'a@example.com'}"],
      ['trailing comma', '{"email": "a@example.com", "name": "A",}'],
      ['empty body', ''],
    ])('%s', async (_, text) => {
      const response = await call('POST', COLLECTION, { body: text, headers: { 'Content-Type': 'application/json' } });
      const problem = await expectProblem(response, 400, COLLECTION);
      expect(problem.type).toBe('urn:roster:problem:malformed-json');
      expect(await userRows()).toHaveLength(0);
      expect(await auditRows()).toHaveLength(0);
      expect(revalidate).not.toHaveBeenCalled();
    });
  });

  describe('415 unless the body is JSON', () => {
    const valid = JSON.stringify({ email: 'ct@example.com', name: 'Content Type' });
    it.each([
      ['text/plain', { 'Content-Type': 'text/plain' }],
      ['form-urlencoded', { 'Content-Type': 'application/x-www-form-urlencoded' }],
      ['a look-alike', { 'Content-Type': 'application/jsonp' }],
      ['missing', {}],
    ])('%s', async (_, headers: Record<string, string>) => {
      // A Uint8Array body gets no Content-Type of its own, so "missing" really is missing.
      const request = call('POST', COLLECTION, { body: new TextEncoder().encode(valid), headers });
      const response = await request;
      const problem = await expectProblem(response, 415, COLLECTION);
      expect(problem.type).toBe('urn:roster:problem:unsupported-media-type');
      expect(response.headers.get('accept-post')).toBe('application/json');
      expect(await userRows()).toHaveLength(0);
      expect(revalidate).not.toHaveBeenCalled();
    });
  });

  describe('413 past 1 MB', () => {
    const paddedBody = (bytes: number) => {
      const json = JSON.stringify({ email: 'big@example.com', name: 'Big' });
      return json + ' '.repeat(bytes - json.length); // whitespace after the object is still valid JSON
    };

    it('a body one byte over, with a truthful Content-Length', async () => {
      const text = paddedBody(MAX_BODY_BYTES + 1);
      const response = await call('POST', COLLECTION, {
        body: text,
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) },
      });
      const problem = await expectProblem(response, 413, COLLECTION);
      expect(problem.type).toBe('urn:roster:problem:payload-too-large');
      expect(await userRows()).toHaveLength(0);
      expect(revalidate).not.toHaveBeenCalled();
    });

    it('a declared Content-Length over the limit is refused before reading the body', async () => {
      const response = await call('POST', COLLECTION, {
        body: JSON.stringify({ email: 'liar@example.com', name: 'Liar' }),
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(MAX_BODY_BYTES + 1) },
      });
      await expectProblem(response, 413, COLLECTION);
      expect(await userRows()).toHaveLength(0);
    });

    it('a streamed body without Content-Length is cut off while streaming', async () => {
      let pulled = 0;
      let cancelled = false;
      // Endless: if the handler tried to read it all, this test would hang.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"email":"stream@example.com","name":"'));
        },
        pull(controller) {
          pulled += 64 * 1024;
          controller.enqueue(new Uint8Array(64 * 1024).fill(0x61));
        },
        cancel() {
          cancelled = true;
        },
      });
      const response = await call('POST', COLLECTION, { body: stream, headers: { 'Content-Type': 'application/json' } });

      await expectProblem(response, 413, COLLECTION);
      expect(cancelled).toBe(true);
      expect(pulled).toBeLessThan(MAX_BODY_BYTES + 256 * 1024);
      expect(await userRows()).toHaveLength(0);
      expect(revalidate).not.toHaveBeenCalled();
    });

    it('a streamed body that lies with a small Content-Length is still cut off', async () => {
      const chunk = new Uint8Array(256 * 1024).fill(0x20);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(chunk); // 1.25 MB
          controller.close();
        },
      });
      const response = await call('POST', COLLECTION, { body: stream, headers: { 'Content-Type': 'application/json', 'Content-Length': '20' } });
      await expectProblem(response, 413, COLLECTION);
    });

    it('a body of exactly 1 MB is accepted', async () => {
      const text = paddedBody(MAX_BODY_BYTES);
      expect(Buffer.byteLength(text)).toBe(MAX_BODY_BYTES);
      const response = await call('POST', COLLECTION, { body: text, headers: { 'Content-Type': 'application/json' } });
      await expectUser(response, 201);
      expect(await userRows()).toHaveLength(1);
    });
  });

  describe('422 invalid fields', () => {
    it('points at every invalid field and writes nothing', async () => {
      const response = await call('POST', COLLECTION, { json: { email: 'not-an-email', name: '   ', role: 'god', status: 'asleep' } });
      const problem = await expectProblem(response, 422, COLLECTION);

      expect(problem.type).toBe('urn:roster:problem:validation-failed');
      expect(problem.errors).toHaveLength(4);
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { pointer: '/email', detail: 'Enter a valid email address' },
          { pointer: '/name', detail: 'Name is required' },
          { pointer: '/role', detail: expect.stringContaining('Role must be one of') },
          { pointer: '/status', detail: expect.stringContaining('Status must be one of') },
        ]),
      );
      expect(await userRows()).toHaveLength(0);
      expect(await auditRows()).toHaveLength(0);
      expect(revalidate).not.toHaveBeenCalled();
    });

    it('reports missing required fields', async () => {
      const problem = await expectProblem(await call('POST', COLLECTION, { json: {} }), 422, COLLECTION);
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { pointer: '/email', detail: 'Email is required' },
          { pointer: '/name', detail: 'Name is required' },
        ]),
      );
      expect(problem.errors).toHaveLength(2);
    });

    it('rejects over-long values', async () => {
      const problem = await expectProblem(
        await call('POST', COLLECTION, { json: { email: `${'a'.repeat(250)}@example.com`, name: 'n'.repeat(201) } }),
        422,
        COLLECTION,
      );
      expect(problem.errors!.map((error) => error.pointer).sort()).toEqual(['/email', '/name']);
    });

    it('gives each unknown or protected field its own pointer and writes nothing', async () => {
      const response = await call('POST', COLLECTION, {
        json: { email: 'sneaky@example.com', name: 'Sneaky', id: uuidv7(), version: 99, createdAt: '2000-01-01T00:00:00Z', plan: 'enterprise' },
      });
      const problem = await expectProblem(response, 422, COLLECTION);

      expect(problem.errors!.map((error) => error.pointer).sort()).toEqual(['/createdAt', '/id', '/plan', '/version']);
      for (const error of problem.errors!) expect(error.detail).toBe('Unknown or read-only field');
      expect(await userRows()).toHaveLength(0);
      expect(await auditRows()).toHaveLength(0);
    });

    it('keeps a hostile body’s problem within the document’s limits: the first 100 errors, each pointer cut to 500 characters', async () => {
      const fields = Object.fromEntries(Array.from({ length: 150 }, (_, index) => [`field${String(index).padStart(3, '0')}${'x'.repeat(1_000)}`, 1]));
      const response = await call('POST', COLLECTION, { json: { email: 'many@example.com', name: 'Many', ...fields } });
      const problem = await expectProblem(response, 422, COLLECTION);

      expect(problem.errors).toHaveLength(100);
      for (const error of problem.errors!) {
        expect(error.pointer).toHaveLength(500);
        expect(error.pointer).toMatch(/^\/field\d{3}x+…$/);
      }
      expect(await userRows()).toHaveLength(0);
    });

    it('treats __proto__ as just another unknown field', async () => {
      const response = await call('POST', COLLECTION, {
        body: '{"email":"proto@example.com","name":"Proto","__proto__":{"role":"owner"}}',
        headers: { 'Content-Type': 'application/json' },
      });
      const problem = await expectProblem(response, 422, COLLECTION);
      expect(problem.errors).toEqual([{ pointer: '/__proto__', detail: 'Unknown or read-only field' }]);
      expect(await userRows()).toHaveLength(0);
    });

    it.each([
      ['an array', '[{"email":"a@example.com","name":"A"}]'],
      ['a number', '42'],
      ['a string', '"hello"'],
      ['null', 'null'],
      ['true', 'true'],
    ])('a JSON body that is %s is a 422, not a 500', async (_, text) => {
      const response = await call('POST', COLLECTION, { body: text, headers: { 'Content-Type': 'application/json' } });
      const problem = await expectProblem(response, 422, COLLECTION);
      expect(problem.errors).toEqual([{ pointer: '', detail: 'Expected a JSON object' }]);
      expect(await userRows()).toHaveLength(0);
    });
  });

  it('409 for an email that differs only in case (and whitespace) from an existing one; nothing written', async () => {
    const existing = await createUser({ email: 'taken@example.com', name: 'First' });
    revalidate.mockClear();

    const response = await call('POST', COLLECTION, { json: { email: ' TAKEN@Example.com ', name: 'Second' } });
    const problem = await expectProblem(response, 409, COLLECTION);

    expect(problem.type).toBe('urn:roster:problem:conflict');
    expect(problem.errors).toEqual([{ pointer: '/email', detail: expect.any(String) }]);
    const rows = await userRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: existing.id, name: 'First' });
    expect(await auditRows()).toHaveLength(1);
    expect(revalidate).not.toHaveBeenCalled();
  });
});

describe('GET /api/v1/users', () => {
  it('lists users newest first with the exact DTO shape and no next page when everything fits', async () => {
    const first = await createUser({ email: 'one@example.com', name: 'One' });
    const second = await createUser({ email: 'two@example.com', name: 'Two' });

    const response = await call('GET', COLLECTION);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store, no-transform');
    const page = (await response.json()) as { items: UserDto[]; nextCursor: string | null };

    expect(Object.keys(page).sort()).toEqual(['items', 'nextCursor']);
    expect(page.items.map((user) => user.id)).toEqual([second.id, first.id]);
    expect(page.items[1]).toEqual(first);
    for (const item of page.items) expect(Object.keys(item).sort()).toEqual(DTO_KEYS);
    expect(page.nextCursor).toBeNull();
  });

  it('an empty table is an empty page', async () => {
    const response = await call('GET', COLLECTION);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [], nextCursor: null });
  });

  it('refuses unknown query parameters with a 400 naming each, as unknown body fields are refused', async () => {
    await createUser({ email: 'x@example.com', name: 'X' });
    const problem = await expectProblem(await call('GET', `${COLLECTION}?q=alice&limit=1&order=evil&q=bob`), 400, COLLECTION);
    expect(problem).toMatchObject({
      type: 'urn:roster:problem:invalid-query',
      errors: [
        { parameter: 'q', detail: 'Unknown query parameter' },
        { parameter: 'order', detail: 'Unknown query parameter' },
      ],
    });
    // The ones it takes still work.
    expect((await call('GET', `${COLLECTION}?limit=1&search=x`)).status).toBe(200);
  });

  it('a weak ETag hashed from the page; If-None-Match with it is a 304 without a body until the page changes', async () => {
    await createUser({ email: 'etag@example.com', name: 'ETag' });
    const first = await call('GET', COLLECTION);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    expect((await call('GET', COLLECTION)).headers.get('etag')).toBe(etag);
    expect((await call('GET', `${COLLECTION}?search=nobody`)).headers.get('etag')).not.toBe(etag);

    const unchanged = await call('GET', COLLECTION, { headers: { 'If-None-Match': `"other", ${etag}` } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect(unchanged.headers.get('ratelimit')).toMatch(/^"api";r=\d+;t=\d+$/);
    expect(await unchanged.text()).toBe('');

    await createUser({ email: 'etag2@example.com', name: 'ETag 2' });
    const changed = await call('GET', COLLECTION, { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as { items: unknown[] }).items).toHaveLength(2);
  });

  describe('search', () => {
    beforeEach(async () => {
      for (const [email, name] of [
        ['grace@example.org', 'Grace Hopper'],
        ['ada@example.com', 'Ada Lovelace'],
        ['percent@example.com', '50% Club'],
        ['fifty@example.com', '50 Club 5000'],
        ['a_b@example.com', 'Under Score'],
        ['axb@example.com', 'Axb'],
        ['slash@example.com', 'Back\\slash'],
        ['bslash@example.com', 'Backslash'],
      ]) {
        await createUser({ email, name });
      }
    });

    const search = async (term: string) => {
      const response = await call('GET', listUrl({ search: term }));
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: UserDto[] };
      return page.items.map((user) => user.email).sort();
    };

    it('matches name or email, case-insensitively', async () => {
      expect(await search('GRACE')).toEqual(['grace@example.org']);
      expect(await search('hopper')).toEqual(['grace@example.org']);
      expect(await search('EXAMPLE.ORG')).toEqual(['grace@example.org']);
      expect(await search('lOvElAcE')).toEqual(['ada@example.com']);
      expect(await search('  ada@  ')).toEqual(['ada@example.com']);
      expect(await search('nobody')).toEqual([]);
    });

    it('treats % and _ (and backslash) as literal characters, not wildcards', async () => {
      expect(await search('50%')).toEqual(['percent@example.com']);
      expect(await search('%')).toEqual(['percent@example.com']);
      expect(await search('a_b')).toEqual(['a_b@example.com']);
      expect(await search('_')).toEqual(['a_b@example.com']);
      expect(await search('k\\s')).toEqual(['slash@example.com']);
    });

    it('rejects a search over 100 characters with a 400 naming the parameter', async () => {
      const response = await call('GET', listUrl({ search: 'x'.repeat(101) }));
      const problem = await expectProblem(response, 400, COLLECTION);
      expect(problem.errors).toEqual([{ parameter: 'search', detail: expect.any(String) }]);
    });
  });

  describe('filters', () => {
    it('by role, by status, and both together with search', async () => {
      const owner = await bearerFor(db, 'owner'); // creating admins takes an owner
      const alice = await createUser({ email: 'alice@example.com', name: 'Alice', role: 'admin' }, owner.headers);
      const bob = await createUser({ email: 'bob@example.com', name: 'Bob', role: 'admin', status: 'suspended' }, owner.headers);
      const carol = await createUser({ email: 'carol@example.com', name: 'Carol', role: 'member', status: 'suspended' });
      const dave = await createUser({ email: 'dave@example.com', name: 'Dave', role: 'viewer' });

      const ids = async (query: Record<string, string>) => {
        const response = await call('GET', listUrl(query));
        expect(response.status).toBe(200);
        return ((await response.json()) as { items: UserDto[] }).items.map((user) => user.id);
      };
      expect(await ids({ role: 'admin' })).toEqual([bob.id, alice.id]);
      expect(await ids({ role: 'viewer' })).toEqual([dave.id]);
      expect(await ids({ role: 'owner' })).toEqual([owner.userId]);
      expect(await ids({ status: 'suspended' })).toEqual([carol.id, bob.id]);
      expect(await ids({ role: 'admin', status: 'active' })).toEqual([alice.id]);
      expect(await ids({ role: 'member', search: 'CAROL' })).toEqual([carol.id]);
      expect(await ids({ role: 'admin', search: 'carol' })).toEqual([]);
    });

    it.each([
      ['role', 'root'],
      ['status', 'gone'],
    ])('an unknown %s is a 400 naming the parameter', async (parameter, value) => {
      const problem = await expectProblem(await call('GET', listUrl({ [parameter]: value })), 400, COLLECTION);
      expect(problem.type).toBe('urn:roster:problem:invalid-query');
      expect(problem.errors).toEqual([{ parameter, detail: expect.any(String) }]);
    });
  });

  describe('limit', () => {
    it('defaults to 50', async () => {
      const rows = await insertUsers(51);
      const response = await call('GET', COLLECTION);
      const page = (await response.json()) as { items: UserDto[]; nextCursor: string | null };

      expect(page.items).toHaveLength(50);
      expect(page.items[0]!.id).toBe(rows[50]!.id); // newest first
      expect(page.nextCursor).toEqual(expect.any(String));
      const rest = (await (await call('GET', listUrl({ cursor: page.nextCursor! }))).json()) as { items: UserDto[]; nextCursor: string | null };
      expect(rest.items.map((user) => user.id)).toEqual([rows[0]!.id]);
      expect(rest.nextCursor).toBeNull();
    });

    it('allows up to 100', async () => {
      await insertUsers(101);
      const page = (await (await call('GET', listUrl({ limit: '100' }))).json()) as { items: UserDto[]; nextCursor: string | null };
      expect(page.items).toHaveLength(100);
      expect(page.nextCursor).toEqual(expect.any(String));
    });

    it('limit=1 gives one item', async () => {
      await insertUsers(2);
      const page = (await (await call('GET', listUrl({ limit: '1' }))).json()) as { items: UserDto[]; nextCursor: string | null };
      expect(page.items).toHaveLength(1);
      expect(page.nextCursor).not.toBeNull();
    });

    it.each(['101', '0', '-1', 'abc', '1.5', ''])('limit=%j is a 400 naming the parameter', async (limit) => {
      const problem = await expectProblem(await call('GET', `${COLLECTION}?limit=${limit}`), 400, COLLECTION);
      expect(problem.type).toBe('urn:roster:problem:invalid-query');
      expect(problem.errors).toEqual([{ parameter: 'limit', detail: expect.any(String) }]);
    });
  });

  describe('keyset pagination', () => {
    const walk = async (query: Record<string, string>) => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const response = await call('GET', listUrl(cursor ? { ...query, cursor } : query));
        expect(response.status).toBe(200);
        const page = (await response.json()) as { items: UserDto[]; nextCursor: string | null };
        pages.push(page.items.map((user) => user.id));
        cursor = page.nextCursor;
        expect(pages.length).toBeLessThan(20); // a cursor that never advances would loop forever
      } while (cursor);
      return pages;
    };

    it('walks 7 users in pages of 3, each exactly once, newest first', async () => {
      const created: UserDto[] = [];
      for (let i = 0; i < 7; i++) created.push(await createUser({ email: `page${i}@example.com`, name: `Page ${i}` }));

      const pages = await walk({ limit: '3' });
      expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
      const seen = pages.flat();
      expect(new Set(seen).size).toBe(7);
      expect(seen).toEqual(created.map((user) => user.id).reverse());
    });

    it('breaks created_at ties by id, so rows with the same timestamp are neither skipped nor repeated', async () => {
      const rows = await insertUsers(7, () => ({ createdAt: new Date('2024-06-01T12:00:00.000Z') }));
      const pages = await walk({ limit: '2' });
      expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
      expect(pages.flat()).toEqual(rows.map((row) => row.id).sort().reverse());
    });

    it('re-applies filters on every page', async () => {
      const rows = await insertUsers(10, (i) => ({ role: i % 2 === 0 ? 'admin' : 'member' }));
      const pages = await walk({ limit: '2', role: 'admin' });
      expect(pages.flat()).toEqual(rows.filter((row) => row.role === 'admin').map((row) => row.id).reverse());
    });

    it('the database agrees with the order the API walked', async () => {
      await insertUsers(5, (i) => ({ createdAt: new Date(Date.UTC(2024, 0, 1) + (i % 2) * 1000) }));
      const expected = (await db.select({ id: users.id }).from(users).orderBy(desc(users.createdAt), desc(users.id))).map((row) => row.id);
      expect((await walk({ limit: '2' })).flat()).toEqual(expected);
    });
  });

  describe('tampered cursors are a 400 on the cursor parameter', () => {
    const forge = (payload: unknown) => {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${createHash('sha256').update(body).digest('base64url').slice(0, 11)}`;
    };
    const swap = (text: string, index: number) => `${text.slice(0, index)}${text[index] === 'A' ? 'B' : 'A'}${text.slice(index + 1)}`;

    let cursor: string;
    beforeEach(async () => {
      await insertUsers(3);
      const page = (await (await call('GET', listUrl({ limit: '1' }))).json()) as { nextCursor: string };
      cursor = page.nextCursor;
      expect(cursor).toEqual(expect.any(String));
      // Sanity: the untouched cursor works, so the failures below are down to the tampering.
      expect((await call('GET', listUrl({ limit: '1', cursor }))).status).toBe(200);
    });

    const cases: [string, () => string][] = [
      ['one character of the payload flipped', () => swap(cursor, 2)],
      ['one character of the checksum flipped', () => swap(cursor, cursor.length - 1)],
      ['truncated by one character', () => cursor.slice(0, -1)],
      ['truncated to its payload', () => cursor.split('.')[0]!],
      ['an extra segment', () => `${cursor}.x`],
      ['random garbage', () => 'garbage!!'],
      ['a lone dot', () => '.'],
      ['over 200 characters', () => 'a'.repeat(201)],
      ['a valid checksum over a non-uuid id', () => forge(['-createdAt', Date.UTC(2024, 0, 1), 'not-a-uuid'])],
      ['a valid checksum over a non-array payload', () => forge({ createdAt: 1, id: uuidv7() })],
      ['a valid checksum over a timestamp outside the Date range', () => forge(['-createdAt', 8.7e15, uuidv7()])],
      ['a valid checksum over the largest Date', () => forge(['-createdAt', 8.64e15, uuidv7()])],
      ['a valid checksum over a date past year 9999', () => forge(['-createdAt', Date.UTC(10000, 0, 1), uuidv7()])],
      ['a valid checksum over a timestamp that is not a safe integer', () => forge(['-createdAt', 2 ** 60, uuidv7()])],
      ['a valid checksum over a fractional timestamp', () => forge(['-createdAt', 1.5, uuidv7()])],
      ['a valid checksum over a negative timestamp', () => forge(['-createdAt', -1, uuidv7()])],
    ];

    it('a checksum-valid cursor at the very end of year 9999 is still accepted', async () => {
      const response = await call('GET', listUrl({ limit: '1', cursor: forge(['-createdAt', Date.UTC(9999, 11, 31, 23, 59, 59, 999), uuidv7()]) }));
      expect(response.status).toBe(200);
      expect(((await response.json()) as { items: UserDto[] }).items).toHaveLength(1); // everything is older than that
    });

    it.each(cases)('%s', async (_, make) => {
      const problem = await expectProblem(await call('GET', listUrl({ limit: '1', cursor: make() })), 400, COLLECTION);
      expect(problem.type).toBe('urn:roster:problem:invalid-query');
      expect(problem.errors).toEqual([{ parameter: 'cursor', detail: expect.any(String) }]);
    });
  });
});

describe('GET /api/v1/users/{id}', () => {
  it('200 with the user, ETag "<version>" and no-store (no-transform: under 1 KiB)', async () => {
    const created = await createUser({ email: 'get@example.com', name: 'Get' });
    await call('PATCH', `${COLLECTION}/${created.id}`, { json: { name: 'Got' } });

    const response = await call('GET', `${COLLECTION}/${created.id}`);
    const user = await expectUser(response, 200);
    expect(user).toMatchObject({ id: created.id, name: 'Got', version: 2 });
    expect(response.headers.get('etag')).toBe('"2"');
    expect(response.headers.get('cache-control')).toBe('no-store, no-transform');
  });

  it('If-None-Match with the current version, strong or weak: 304 with the ETag and no body; after a change: 200', async () => {
    const created = await createUser({ email: 'cond@example.com', name: 'Cond' });
    const path = `${COLLECTION}/${created.id}`;
    for (const tag of ['"1"', 'W/"1"', '*']) {
      const response = await call('GET', path, { headers: { 'If-None-Match': tag } });
      expect(response.status, tag).toBe(304);
      expect(response.headers.get('etag')).toBe('"1"');
      expect(await response.text()).toBe('');
    }
    await call('PATCH', path, { json: { name: 'Cond 2' } });
    const response = await call('GET', path, { headers: { 'If-None-Match': '"1"' } });
    expect((await expectUser(response, 200)).name).toBe('Cond 2');
    expect(response.headers.get('etag')).toBe('"2"');
  });

  it('refuses any query parameter: the item takes none', async () => {
    const created = await createUser({ email: 'noquery@example.com', name: 'No query' });
    const path = `${COLLECTION}/${created.id}`;
    const problem = await expectProblem(await call('GET', `${path}?fields=email`), 400, path);
    expect(problem.errors).toEqual([{ parameter: 'fields', detail: 'Unknown query parameter' }]);
    await expectProblem(await call('PATCH', `${path}?dryRun=1`, { json: { name: 'Not renamed' } }), 400, path);
    expect((await userRow(created.id))!.name).toBe('No query');
  });

  it.each([
    ['an unknown uuid', () => uuidv7()],
    ['a malformed id', () => 'not-a-uuid'],
    ['an almost-uuid', () => '0190a000-0000-7000-8000-00000000000g'],
  ])('404 for %s', async (_, makeId) => {
    const path = `${COLLECTION}/${makeId()}`;
    const problem = await expectProblem(await call('GET', path), 404, path);
    expect(problem.type).toBe('urn:roster:problem:not-found');
  });
});

describe('PATCH /api/v1/users/{id}', () => {
  let user: UserDto;
  const path = () => `${COLLECTION}/${user.id}`;
  const backdated = new Date('2020-01-01T00:00:00.000Z');

  beforeEach(async () => {
    user = await createUser({ email: 'patch@example.com', name: 'Patch Me', role: 'member' });
    // Backdate so that "updatedAt changed" can't be fooled by two writes in the same millisecond.
    await db.update(users).set({ updatedAt: backdated }).where(eq(users.id, user.id));
    revalidate.mockClear();
  });

  it('200: applies the change, bumps the version, touches updatedAt, audits only changed fields, revalidates', async () => {
    const response = await call('PATCH', path(), { json: { name: '  Patched  ', role: 'member', email: 'PATCH@example.com', status: 'suspended' } });
    const updated = await expectUser(response, 200);

    expect(updated).toMatchObject({ id: user.id, name: 'Patched', email: 'patch@example.com', role: 'member', status: 'suspended', version: 2, createdAt: user.createdAt });
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThan(backdated.getTime());
    expect(response.headers.get('etag')).toBe('"2"');

    const row = await userRow(user.id);
    expect(row).toMatchObject({ name: 'Patched', status: 'suspended', version: 2 });
    expect(row!.updatedAt.toISOString()).toBe(updated.updatedAt);

    const events = await auditRows();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ door: 'api', actor: `api-key:${apiKey.id}`, action: 'user.updated', subjectId: user.id });
    expect(events[1]!.changes).toEqual({
      name: { before: 'Patch Me', after: 'Patched' },
      status: { before: 'active', after: 'suspended' },
    });
    expectRevalidated(user.id);
  });

  it('a new email is unverified until its link is followed; the old address is told', async () => {
    const updated = await expectUser(await call('PATCH', path(), { json: { email: 'Moved@Example.com' } }), 200);

    expect(updated).toMatchObject({ email: 'moved@example.com', version: 2 });
    expect(await userRow(user.id)).toMatchObject({ email: 'moved@example.com', emailVerified: false });
    const mail = await queuedMail(db);
    expect(mail).toEqual([
      { kind: 'email-changed', recipient: 'patch@example.com', token: undefined },
      { kind: 'email-verification', recipient: 'moved@example.com', token: expect.any(String) },
    ]);
    expect((await auditRows())[1]!.changes).toEqual({ email: { before: 'patch@example.com', after: 'moved@example.com' }, emailVerified: { before: true, after: false } });

    await confirmEmailVerification(db, mail[1]!.token);
    expect(await userRow(user.id)).toMatchObject({ email: 'moved@example.com', emailVerified: true });
  });

  it('accepts application/merge-patch+json', async () => {
    const response = await call('PATCH', path(), { json: { name: 'Merged' }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect((await expectUser(response, 200)).name).toBe('Merged');
    expect((await userRow(user.id))!.name).toBe('Merged');
  });

  it('a PATCH that changes nothing is a 200 with the same version and no audit event', async () => {
    const response = await call('PATCH', path(), { json: { name: 'Patch Me', email: ' Patch@Example.com ', role: 'member' } });
    const same = await expectUser(response, 200);

    expect(same).toMatchObject({ version: 1, updatedAt: backdated.toISOString() });
    expect(response.headers.get('etag')).toBe('"1"');
    expect(await userRow(user.id)).toMatchObject({ version: 1, updatedAt: backdated, emailVerified: true });
    expect(await auditRows()).toHaveLength(1);
    expect(await queuedMail(db)).toEqual([]);
  });

  it('an empty object is also a no-op', async () => {
    expect((await expectUser(await call('PATCH', path(), { json: {} }), 200)).version).toBe(1);
    expect(await auditRows()).toHaveLength(1);
  });

  it.each([
    ['an unknown uuid', () => uuidv7()],
    ['a malformed id', () => 'not-a-uuid'],
  ])('404 for %s', async (_, makeId) => {
    const target = `${COLLECTION}/${makeId()}`;
    await expectProblem(await call('PATCH', target, { json: { name: 'Ghost' } }), 404, target);
    expect(await auditRows()).toHaveLength(1);
    expect(revalidate).not.toHaveBeenCalled();
  });

  it('409 when the email belongs to someone else (in any case); row unchanged', async () => {
    await createUser({ email: 'other@example.com', name: 'Other' });
    revalidate.mockClear();
    const before = await userRow(user.id);

    const problem = await expectProblem(await call('PATCH', path(), { json: { email: 'OTHER@example.com', name: 'Renamed' } }), 409, path());
    expect(problem.errors).toEqual([{ pointer: '/email', detail: expect.any(String) }]);
    expect(await userRow(user.id)).toEqual(before);
    expect(await queuedMail(db)).toEqual([]);
    expect(await auditRows()).toHaveLength(2);
    expect(revalidate).not.toHaveBeenCalled();
  });

  it('422 for invalid fields, with the row unchanged', async () => {
    const before = await userRow(user.id);
    const problem = await expectProblem(await call('PATCH', path(), { json: { email: 'nope', name: '', role: 'root', status: null } }), 422, path());
    expect(problem.errors!.map((error) => error.pointer).sort()).toEqual(['/email', '/name', '/role', '/status']);
    expect(await userRow(user.id)).toEqual(before);
    expect(await auditRows()).toHaveLength(1);
    expect(revalidate).not.toHaveBeenCalled();
  });

  it('422 for unknown and protected fields, one pointer each, with the row unchanged', async () => {
    const before = await userRow(user.id);
    const response = await call('PATCH', path(), {
      json: { name: 'Valid', id: uuidv7(), version: 99, plan: 'enterprise', createdAt: '2000-01-01T00:00:00Z', updatedAt: '2000-01-01T00:00:00Z', isAdmin: true },
    });
    const problem = await expectProblem(response, 422, path());
    expect(problem.errors!.map((error) => error.pointer).sort()).toEqual(['/createdAt', '/id', '/isAdmin', '/plan', '/updatedAt', '/version']);
    expect(await userRow(user.id)).toEqual(before);
    expect(revalidate).not.toHaveBeenCalled();
  });

  it.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['a number', '7'],
  ])('422 for a body that is %s', async (_, text) => {
    const response = await call('PATCH', path(), { body: text, headers: { 'Content-Type': 'application/json' } });
    const problem = await expectProblem(response, 422, path());
    expect(problem.errors).toEqual([{ pointer: '', detail: 'Expected a JSON object' }]);
  });

  it('400 for malformed JSON and 415 for a non-JSON content type; row unchanged', async () => {
    const before = await userRow(user.id);
    await expectProblem(await call('PATCH', path(), { body: '{"name":', headers: { 'Content-Type': 'application/json' } }), 400, path());
    const unsupported = await call('PATCH', path(), { body: JSON.stringify({ name: 'Plain' }), headers: { 'Content-Type': 'text/plain' } });
    await expectProblem(unsupported.clone(), 415, path());
    expect(unsupported.headers.get('accept-patch')).toBe('application/json, application/merge-patch+json');
    expect(await userRow(user.id)).toEqual(before);
    expect(revalidate).not.toHaveBeenCalled();
  });

  it('413 for a body over 1 MB', async () => {
    const text = JSON.stringify({ name: 'x' }) + ' '.repeat(MAX_BODY_BYTES);
    await expectProblem(await call('PATCH', path(), { body: text, headers: { 'Content-Type': 'application/json' } }), 413, path());
    expect((await userRow(user.id))!.version).toBe(1);
  });

  describe('If-Match', () => {
    it('the current ETag: 200', async () => {
      const etag = (await call('GET', path())).headers.get('etag')!;
      expect(etag).toBe('"1"');
      const response = await call('PATCH', path(), { json: { name: 'Matched' }, headers: { 'If-Match': etag } });
      expect((await expectUser(response, 200)).version).toBe(2);
      expect(response.headers.get('etag')).toBe('"2"');
    });

    it('"*": 200', async () => {
      expect((await call('PATCH', path(), { json: { name: 'Star' }, headers: { 'If-Match': '*' } })).status).toBe(200);
    });

    it('the weak form of the current ETag (as a compressing proxy makes it): 200, the version is the validator', async () => {
      const response = await call('PATCH', path(), { json: { name: 'Weakly matched' }, headers: { 'If-Match': 'W/"1"' } });
      expect((await expectUser(response, 200)).version).toBe(2);
      const stale = await call('PATCH', path(), { json: { name: 'Weakly stale' }, headers: { 'If-Match': 'W/"1"' } });
      await expectProblem(stale.clone(), 412, path());
      expect(stale.headers.get('etag')).toBe('"2"');
    });

    it('a stale ETag: 412 with the current ETag, the row unchanged, nothing audited or revalidated', async () => {
      await call('PATCH', path(), { json: { name: 'First writer' }, headers: { 'If-Match': '"1"' } });
      revalidate.mockClear();
      const before = await userRow(user.id);

      const response = await call('PATCH', path(), { json: { name: 'Second writer' }, headers: { 'If-Match': '"1"' } });
      expect(response.headers.get('etag')).toBe('"2"');
      const problem = await expectProblem(response, 412, path());
      expect(problem.type).toBe('urn:roster:problem:precondition-failed');
      expect(await userRow(user.id)).toEqual(before);
      expect(before).toMatchObject({ name: 'First writer', version: 2 });
      expect(await auditRows()).toHaveLength(2);
      expect(revalidate).not.toHaveBeenCalled();
    });

    it('a stale ETag is a 412 even when the PATCH would change nothing', async () => {
      const response = await call('PATCH', path(), { json: { name: 'Patch Me' }, headers: { 'If-Match': '"7"' } });
      await expectProblem(response, 412, path());
    });

    it.each(['1', 'w/"1"', 'W/1', '"abc"', '"1", "2"', '"1234567890"'])('a malformed If-Match %j: 400 saying what it takes, row unchanged', async (ifMatch) => {
      const before = await userRow(user.id);
      const problem = await expectProblem(await call('PATCH', path(), { json: { name: 'Nope' }, headers: { 'If-Match': ifMatch } }), 400, path());
      expect(problem.type).toBe('urn:roster:problem:invalid-if-match');
      expect(problem.detail).toContain('W/"3"');
      expect(await userRow(user.id)).toEqual(before);
      expect(revalidate).not.toHaveBeenCalled();
    });
  });
});

describe('DELETE /api/v1/users/{id}', () => {
  let user: UserDto;
  const path = () => `${COLLECTION}/${user.id}`;

  beforeEach(async () => {
    user = await createUser({ email: 'delete@example.com', name: 'Delete Me', role: 'viewer' });
    revalidate.mockClear();
  });

  it('204 with an empty body; the row is gone, the deletion is audited and the cache revalidated', async () => {
    const response = await call('DELETE', path());
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');

    expect(await userRow(user.id)).toBeUndefined();
    const events = await auditRows();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ door: 'api', actor: `api-key:${apiKey.id}`, action: 'user.deleted', subjectId: user.id });
    expect(events[1]!.changes).toEqual({
      email: { before: 'delete@example.com', after: null },
      name: { before: 'Delete Me', after: null },
      role: { before: 'viewer', after: null },
      status: { before: 'active', after: null },
      plan: { before: 'free', after: null },
    });
    expectRevalidated(user.id);

    const gone = await call('GET', path());
    await expectProblem(gone, 404, path());
  });

  it('404 the second time, with no further audit event or revalidation', async () => {
    expect((await call('DELETE', path())).status).toBe(204);
    revalidate.mockClear();

    const problem = await expectProblem(await call('DELETE', path()), 404, path());
    expect(problem.type).toBe('urn:roster:problem:not-found');
    expect(await auditRows()).toHaveLength(2);
    expect(revalidate).not.toHaveBeenCalled();
  });

  it('404 for a malformed id', async () => {
    const target = `${COLLECTION}/not-a-uuid`;
    await expectProblem(await call('DELETE', target), 404, target);
    expect(await userRow(user.id)).toBeDefined();
  });

  it('the current If-Match: 204', async () => {
    expect((await call('DELETE', path(), { headers: { 'If-Match': '"1"' } })).status).toBe(204);
    expect(await userRow(user.id)).toBeUndefined();
  });

  it('a stale If-Match: 412 and the row is still there', async () => {
    await call('PATCH', path(), { json: { name: 'Changed meanwhile' } });
    revalidate.mockClear();

    const problem = await expectProblem(await call('DELETE', path(), { headers: { 'If-Match': '"1"' } }), 412, path());
    expect(problem.type).toBe('urn:roster:problem:precondition-failed');
    expect(await userRow(user.id)).toMatchObject({ name: 'Changed meanwhile', version: 2 });
    expect((await auditRows()).map((event) => event.action)).toEqual(['user.created', 'user.updated']);
    expect(revalidate).not.toHaveBeenCalled();
  });

  it('a malformed If-Match: 400 and the row is still there', async () => {
    await expectProblem(await call('DELETE', path(), { headers: { 'If-Match': 'version-1' } }), 400, path());
    expect(await userRow(user.id)).toBeDefined();
  });

  describe('with ROSTER_REQUIRE_IF_MATCH=1', () => {
    beforeEach(() => void vi.stubEnv('ROSTER_REQUIRE_IF_MATCH', '1'));
    afterEach(() => void vi.unstubAllEnvs());

    it('no If-Match: 428 with the current ETag, for DELETE and PATCH, and nothing changes', async () => {
      await call('PATCH', path(), { json: { name: 'Changed meanwhile' }, headers: { 'If-Match': '"1"' } });
      for (const [method, json] of [['DELETE', undefined], ['PATCH', { name: 'Unconditional' }]] as const) {
        const response = await call(method, path(), { json });
        expect(response.headers.get('etag'), method).toBe('"2"');
        const problem = await expectProblem(response, 428, path());
        expect(problem.type).toBe('urn:roster:problem:precondition-required');
        expect(problem.detail).toContain('If-Match');
      }
      expect(await userRow(user.id)).toMatchObject({ name: 'Changed meanwhile', version: 2 });
    });

    it('If-Match, strong, weak or *, still goes through', async () => {
      expect((await call('PATCH', path(), { json: { name: 'Weak' }, headers: { 'If-Match': 'W/"1"' } })).status).toBe(200);
      expect((await call('PATCH', path(), { json: { name: 'Strong' }, headers: { 'If-Match': '"2"' } })).status).toBe(200);
      expect((await call('DELETE', path(), { headers: { 'If-Match': '*' } })).status).toBe(204);
    });
  });
});

describe('405 for unsupported methods', () => {
  it.each([
    ['PUT', COLLECTION, 'GET, POST, HEAD, OPTIONS'],
    ['PATCH', COLLECTION, 'GET, POST, HEAD, OPTIONS'],
    ['DELETE', COLLECTION, 'GET, POST, HEAD, OPTIONS'],
    ['POST', `${COLLECTION}/0190a000-0000-7000-8000-000000000000`, 'GET, PATCH, DELETE, HEAD, OPTIONS'],
    ['PUT', `${COLLECTION}/0190a000-0000-7000-8000-000000000000`, 'GET, PATCH, DELETE, HEAD, OPTIONS'],
  ] as const)('%s %s', async (method, path, allow) => {
    await insertUsers(1);
    const before = await userRows();
    const response = await call(method, path, { json: { email: 'm@example.com', name: 'M' } });

    const problem = await expectProblem(response.clone(), 405, path);
    expect(problem.type).toBe('urn:roster:problem:method-not-allowed');
    expect(response.headers.get('allow')).toBe(allow);
    expect(await userRows()).toEqual(before);
    expect(revalidate).not.toHaveBeenCalled();
  });
});

describe('CORS', () => {
  const ORIGIN = 'https://app.example';
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.ROSTER_CORS_ORIGINS;
    process.env.ROSTER_CORS_ORIGINS = `${ORIGIN}, https://admin.example`;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.ROSTER_CORS_ORIGINS;
    else process.env.ROSTER_CORS_ORIGINS = saved;
  });

  it('echoes an allowed Origin on success and exposes Location, ETag and the rate-limit and replay headers', async () => {
    const response = await call('POST', COLLECTION, { json: { email: 'cors@example.com', name: 'Cors' }, headers: { Origin: ORIGIN } });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-expose-headers')).toBe('Location, ETag, RateLimit, RateLimit-Policy, Retry-After, Idempotent-Replayed');
    expect(response.headers.get('vary')).toContain('Origin');

    const list = await call('GET', COLLECTION, { headers: { Origin: 'https://admin.example' } });
    expect(list.headers.get('access-control-allow-origin')).toBe('https://admin.example');
  });

  it('echoes an allowed Origin on errors and 405s too', async () => {
    const notFound = await call('GET', `${COLLECTION}/not-a-uuid`, { headers: { Origin: ORIGIN } });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('access-control-allow-origin')).toBe(ORIGIN);

    const notAllowed = await call('PUT', COLLECTION, { headers: { Origin: ORIGIN } });
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it.each(['https://evil.example', 'https://app.example.evil', 'http://app.example', 'null'])('sends no CORS headers to origin %s', async (origin) => {
    const response = await call('GET', COLLECTION, { headers: { Origin: origin } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-expose-headers')).toBeNull();
  });

  it('sends no CORS headers when no origins are configured', async () => {
    delete process.env.ROSTER_CORS_ORIGINS;
    const response = await call('GET', COLLECTION, { headers: { Origin: ORIGIN } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    [COLLECTION, 'GET, POST, HEAD, OPTIONS'],
    [`${COLLECTION}/0190a000-0000-7000-8000-000000000000`, 'GET, PATCH, DELETE, HEAD, OPTIONS'],
  ])('OPTIONS preflight on %s from an allowed origin: 204 with Allow and Access-Control-Allow-*', async (path, allow) => {
    const response = await call('OPTIONS', path, {
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'content-type, if-match' },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.get('allow')).toBe(allow);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toBe(allow);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(['content-type', 'if-match']),
    );
    expect(response.headers.get('access-control-max-age')).toMatch(/^\d+$/);
  });

  it('OPTIONS from a disallowed origin: 204 with Allow but no Access-Control-* headers', async () => {
    const response = await call('OPTIONS', COLLECTION, { headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });
});
