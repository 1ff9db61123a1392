import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { revokeApiKey } from '@/core/api-keys';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { apiKeys, auditEvents, users } from '@/db/schema';
import * as meRoute from '../../app/api/v1/me/route';
import * as itemRoute from '../../app/api/v1/users/[id]/route';
import * as collectionRoute from '../../app/api/v1/users/route';
import { truncateAll } from '../support/database';
import { apiKeyFor, bearerFor, systemPrincipal, type SignedInUser } from '../support/principals';
import type { Problem } from '../support/problem';

// Who may call /api/v1, through the route modules as Next calls them: credentials come from
// `Authorization: Bearer …` only, and each user reaches only what their role allows.

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const BASE = 'http://localhost:3000';
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** Calls the route `path` maps to, with exactly the given headers (no credentials unless they carry some). */
function call(method: Method, path: string, { json, body, headers = {} }: { json?: unknown; body?: string; headers?: Record<string, string> } = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  } else if (body !== undefined) {
    init.body = body;
  }
  const request = new Request(new URL(path, BASE), init);
  if (path === '/api/v1/users') return collectionRoute[method](request, { params: Promise.resolve({}) });
  if (path === '/api/v1/me') return meRoute[method](request, { params: Promise.resolve({}) });
  const id = /^\/api\/v1\/users\/([^/?]+)$/.exec(path)?.[1];
  if (!id) throw new Error(`no route for ${path}`);
  return itemRoute[method](request, { params: Promise.resolve({ id }) });
}

async function expectProblem(response: Response, status: number, slug: string): Promise<Problem> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = JSON.parse(text) as Problem;
  expect(problem).toMatchObject({ type: `urn:roster:problem:${slug}`, status });
  return problem;
}

async function expectUnauthorized(response: Response, challenge: 'Bearer' | 'Bearer error="invalid_token"'): Promise<void> {
  await expectProblem(response, 401, 'unauthenticated');
  expect(response.headers.get('www-authenticate')).toBe(challenge);
}

let db: Database;
const userRow = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0];
/** Every user row and audit event: what a refused request must leave as it was. */
const everything = async () => ({
  users: await db.select().from(users).orderBy(asc(users.id)),
  audit: await db.select().from(auditEvents).orderBy(asc(auditEvents.id)),
});

/** Every method of every /api/v1 route, each with a body it would accept from a caller allowed to send it. */
const endpoints = (id: string): [Method, string, unknown?][] => [
  ['GET', '/api/v1/users'],
  ['POST', '/api/v1/users', { email: 'new@example.com', name: 'New' }],
  ['GET', `/api/v1/users/${id}`],
  ['PATCH', `/api/v1/users/${id}`, { name: 'Renamed' }],
  ['DELETE', `/api/v1/users/${id}`],
  ['GET', '/api/v1/me'],
  ['PATCH', '/api/v1/me', { name: 'Renamed' }],
];

beforeAll(async () => {
  if (process.env.DATABASE_URL) throw new Error('Unset DATABASE_URL: these tests run on the in-memory database vitest.config.ts sets up.');
  ({ db } = await getDatabase());
});

let owner: SignedInUser;
let member: SignedInUser;
beforeEach(async () => {
  await truncateAll(db);
  owner = await bearerFor(db, 'owner');
  member = await bearerFor(db, 'member');
});

describe('no credentials', () => {
  it('every endpoint answers 401 with a bare `WWW-Authenticate: Bearer` challenge, and changes nothing', async () => {
    const before = await everything();
    for (const [method, path, json] of endpoints(member.userId)) {
      await expectUnauthorized(await call(method, path, { json }), 'Bearer');
    }
    expect(await everything()).toEqual(before);
  });

  it('says so before reading the body: a malformed body still gets the 401', async () => {
    const response = await call('POST', '/api/v1/users', { body: '{"email":', headers: { 'content-type': 'application/json' } });
    await expectUnauthorized(response, 'Bearer');
  });

  it('ignores cookies: a valid session cookie without Authorization is no credential', async () => {
    for (const [method, path, json] of endpoints(member.userId)) {
      await expectUnauthorized(await call(method, path, { json, headers: { cookie: owner.cookie } }), 'Bearer');
    }
    // With a bearer as well, the bearer alone decides: the owner's cookie lends the member nothing.
    const response = await call('GET', '/api/v1/users', { headers: { cookie: owner.cookie, ...member.headers } });
    await expectProblem(response, 403, 'forbidden');
  });
});

describe('bad credentials: 401 with `Bearer error="invalid_token"`', () => {
  it.each([
    ['Basic credentials', 'Basic x'],
    ['a garbage bearer', 'Bearer garbage'],
    ['a bearer with nothing after it', 'Bearer'],
    ['a JWT-shaped garbage bearer', 'Bearer aaa.bbb.ccc'],
    ['an unknown API key', `Bearer rst_${'A'.repeat(43)}`],
    ['a session token with its signature tampered', () => `Bearer ${member.token.slice(0, -2)}xx`],
    ['two bearers', () => `Bearer ${member.token} ${member.token}`],
  ])('%s', async (_, header) => {
    const authorization = typeof header === 'function' ? header() : header;
    const before = await everything();
    for (const [method, path, json] of endpoints(member.userId)) {
      await expectUnauthorized(await call(method, path, { json, headers: { authorization } }), 'Bearer error="invalid_token"');
    }
    expect(await everything()).toEqual(before);
  });

  it('a revoked API key', async () => {
    const key = await apiKeyFor(db, ['users:write']);
    expect((await call('GET', '/api/v1/users', { headers: key.headers })).status).toBe(200);
    await revokeApiKey({ db, principal: systemPrincipal() }, key.id);

    await expectUnauthorized(await call('GET', '/api/v1/users', { headers: key.headers }), 'Bearer error="invalid_token"');
    await expectUnauthorized(await call('POST', '/api/v1/users', { json: { email: 'x@example.com', name: 'X' }, headers: key.headers }), 'Bearer error="invalid_token"');
    expect(await db.select().from(users).where(eq(users.email, 'x@example.com'))).toEqual([]);
  });

  it('an expired API key', async () => {
    const key = await apiKeyFor(db, ['users:write'], { expiresAt: new Date(Date.now() + 60_000) });
    expect((await call('GET', '/api/v1/users', { headers: key.headers })).status).toBe(200);
    await db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1) }).where(eq(apiKeys.id, key.id));

    await expectUnauthorized(await call('GET', '/api/v1/users', { headers: key.headers }), 'Bearer error="invalid_token"');
  });

  it('the session token of a user suspended since (their sessions ended with it)', async () => {
    const response = await call('PATCH', `/api/v1/users/${member.userId}`, { json: { status: 'suspended' }, headers: owner.headers });
    expect(response.status).toBe(200);
    await expectUnauthorized(await call('GET', '/api/v1/me', { headers: member.headers }), 'Bearer error="invalid_token"');
  });
});

describe('roles', () => {
  it('a member’s session token is Forbidden on /api/v1/users', async () => {
    const before = await everything();
    await expectProblem(await call('GET', '/api/v1/users', { headers: member.headers }), 403, 'forbidden');
    await expectProblem(await call('POST', '/api/v1/users', { json: { email: 'm@example.com', name: 'M' }, headers: member.headers }), 403, 'forbidden');
    expect(await everything()).toEqual(before);
  });

  it('API keys: a read key lists but cannot create; a write key creates members, audited as api-key:<id>, but not admins', async () => {
    const reader = await apiKeyFor(db, ['users:read']);
    expect((await call('GET', '/api/v1/users', { headers: reader.headers })).status).toBe(200);
    await expectProblem(await call('POST', '/api/v1/users', { json: { email: 'r@example.com', name: 'R' }, headers: reader.headers }), 403, 'forbidden');

    const writer = await apiKeyFor(db, ['users:write']);
    const created = await call('POST', '/api/v1/users', { json: { email: 'w@example.com', name: 'W' }, headers: writer.headers });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.subjectId, id));
    expect(event).toMatchObject({ actor: `api-key:${writer.id}`, door: 'api', action: 'user.created' });
    await expectProblem(await call('POST', '/api/v1/users', { json: { email: 'a@example.com', name: 'A', role: 'admin' }, headers: writer.headers }), 403, 'forbidden');
    await expectProblem(await call('PATCH', `/api/v1/users/${owner.userId}`, { json: { name: 'Renamed' }, headers: writer.headers }), 403, 'forbidden');
  });

  it('an owner’s session token manages users, audited as user:<id>', async () => {
    const created = await call('POST', '/api/v1/users', { json: { email: 'admin@example.com', name: 'Admin', role: 'admin' }, headers: owner.headers });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.subjectId, id));
    expect(event).toMatchObject({ actor: `user:${owner.userId}`, door: 'api' });
  });
});

describe('BOLA: user A’s token never reads or changes user B', () => {
  let b: SignedInUser;
  beforeEach(async () => {
    b = await bearerFor(db, 'member', { name: 'User B' });
  });

  it('GET, PATCH and DELETE /api/v1/users/<B> with A’s token: 403, and B unchanged', async () => {
    const before = await everything();
    const path = `/api/v1/users/${b.userId}`;
    const read = await expectProblem(await call('GET', path, { headers: member.headers }), 403, 'forbidden');
    expect(JSON.stringify(read)).not.toContain(b.email);
    await expectProblem(await call('PATCH', path, { json: { name: 'Hijacked' }, headers: member.headers }), 403, 'forbidden');
    await expectProblem(await call('PATCH', path, { json: { role: 'owner' }, headers: member.headers }), 403, 'forbidden');
    await expectProblem(await call('DELETE', path, { headers: member.headers }), 403, 'forbidden');
    // Nor their own record, through the admin endpoint.
    await expectProblem(await call('PATCH', `/api/v1/users/${member.userId}`, { json: { role: 'owner' }, headers: member.headers }), 403, 'forbidden');
    expect(await everything()).toEqual(before);
  });

  it('/api/v1/me answers each token with its own user, and PATCH changes only that one', async () => {
    const meA = await call('GET', '/api/v1/me', { headers: member.headers });
    expect(meA.status).toBe(200);
    expect(await meA.json()).toMatchObject({ id: member.userId, email: member.email });
    expect(await (await call('GET', '/api/v1/me', { headers: b.headers })).json()).toMatchObject({ id: b.userId, email: b.email });

    const bBefore = await userRow(b.userId);
    const patched = await call('PATCH', '/api/v1/me', { json: { name: 'A, renamed' }, headers: member.headers });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('etag')).toBe('"2"');
    expect(await patched.json()).toMatchObject({ id: member.userId, name: 'A, renamed', version: 2 });
    expect(await userRow(member.userId)).toMatchObject({ name: 'A, renamed', role: 'member' });
    expect(await userRow(b.userId)).toEqual(bBefore);
  });

  it.each([
    ['role', { role: 'owner' }],
    ['email', { email: 'taken-over@example.com' }],
    ['plan', { plan: 'enterprise' }],
    ['status', { status: 'active' }],
  ])('PATCH /api/v1/me with %s: 422 naming it, nothing changed', async (field, json) => {
    const before = await everything();
    const problem = await expectProblem(await call('PATCH', '/api/v1/me', { json: { name: 'Sneaky', ...json }, headers: member.headers }), 422, 'validation-failed');
    expect(problem.errors).toEqual([{ pointer: `/${field}`, detail: expect.any(String) }]);
    expect(await everything()).toEqual(before);
  });

  it('an API key has no /me: 403', async () => {
    const key = await apiKeyFor(db, ['users:write']);
    await expectProblem(await call('GET', '/api/v1/me', { headers: key.headers }), 403, 'forbidden');
    await expectProblem(await call('PATCH', '/api/v1/me', { json: { name: 'Key' }, headers: key.headers }), 403, 'forbidden');
  });
});

describe('CORS', () => {
  const ORIGIN = 'https://app.example';
  beforeEach(() => {
    vi.stubEnv('ROSTER_CORS_ORIGINS', ORIGIN);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each(['/api/v1/users', '/api/v1/users/0190a000-0000-7000-8000-000000000000', '/api/v1/me'])(
    'a preflight to %s from an allowed origin allows the Authorization header, and never credentials (cookies)',
    async (path) => {
      const response = await call('OPTIONS', path, {
        headers: { origin: ORIGIN, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'content-type']));
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    },
  );

  it('the actual responses, 200 and 401 alike, carry the origin but no Access-Control-Allow-Credentials', async () => {
    const ok = await call('GET', '/api/v1/me', { headers: { origin: ORIGIN, ...member.headers } });
    expect(ok.status).toBe(200);
    const denied = await call('GET', '/api/v1/me', { headers: { origin: ORIGIN } });
    expect(denied.status).toBe(401);
    for (const response of [ok, denied]) {
      expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });
});
