import { count, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createOrganizationApiKey } from '@/core/api-keys';
import { Conflict, NotFound, ValidationFailed } from '@/core/errors';
import { authenticateScimToken, createScimConnection, revokeScimConnection, rotateScimToken, ScimError, TOKEN_OVERLAP_MS } from '@/core/scim';
import { JOURNAL_SIZE, recordScimRequest } from '@/core/scim/journal';
import { processScimTokenCache } from '@/core/scim/token-cache';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents, scimConnections, scimRequests, scimTokens } from '@/db/schema';
import { scimHandler, scimJson } from '@/http/scim/route';
import * as resourceTypeRoute from '../../app/api/scim/v2/ResourceTypes/[id]/route';
import * as resourceTypesRoute from '../../app/api/scim/v2/ResourceTypes/route';
import * as schemaRoute from '../../app/api/scim/v2/Schemas/[id]/route';
import * as schemasRoute from '../../app/api/scim/v2/Schemas/route';
import * as configRoute from '../../app/api/scim/v2/ServiceProviderConfig/route';
import { describeEachDatabase, truncateAll } from '../support/database';
import { callApi, seedOrganization } from '../support/organizations';
import { apiKeyFor, bearerFor, insertUser, systemPrincipal, type SignedInUser } from '../support/principals';

// SCIM connections: made by an organization's owners and admins, each with a token shown once and stored hashed, that
// rotates with a day's overlap and is revoked with its connection; the discovery documents it reads; and the journal of
// every request it makes, with values left out.

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

let db: Database;
let owner: SignedInUser;
let acme: { id: string };
let globex: { id: string };

beforeEach(async () => {
  db = (await getDatabase()).db;
  await truncateAll(db);
  owner = await bearerFor(db, 'member');
  acme = await seedOrganization(db, 'acme', owner.userId);
  globex = await seedOrganization(db, 'globex', (await insertUser(db, 'member')).id);
});

const as = (who: { headers: { authorization: string } }) => ({ headers: who.headers });

async function expectStatus(response: Response, status: number): Promise<Record<string, unknown>> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

type Get = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
/** A GET of a SCIM discovery route with `token` (or none); `id`: the route's [id] segment, if it has one. */
function scimGet(route: { GET: unknown }, path: string, token?: string, id = '') {
  const request = new Request(new URL(path, 'http://localhost:3000'), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return (route.GET as Get)(request, { params: Promise.resolve({ id }) });
}

async function createThroughApi(organizationId = acme.id, body: unknown = { name: 'Okta', passwordSetup: 'invitation' }) {
  return expectStatus(await callApi('POST', `/api/v1/organizations/${organizationId}/scim-connections`, { json: body, ...as(owner) }), 201);
}

describe('connections through the API', () => {
  it('the owner makes one: base URL and token once, only a hash stored, an event without the token', async () => {
    const created = await createThroughApi();
    const token = created.token as string;
    expect(created).toMatchObject({ name: 'Okta', passwordSetup: 'invitation', organizationId: acme.id, createdBy: owner.userId, revokedAt: null, lastUsedAt: null });
    expect(created.baseUrl).toMatch(/^https?:\/\/[^/]+\/api\/scim\/v2$/);
    expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);

    const stored = await db.select().from(scimTokens);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token.slice(5));
    expect(JSON.stringify(await db.select().from(scimConnections))).not.toContain(token.slice(5));

    const listed = await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/scim-connections`, as(owner)), 200);
    expect(listed).toEqual({ items: [Object.fromEntries(Object.entries(created).filter(([key]) => key !== 'token'))] });
    expect(JSON.stringify(listed)).not.toContain(token.slice(5));

    const events = await db.select({ type: auditEvents.action, organizationId: auditEvents.organizationId, data: auditEvents.data }).from(auditEvents).where(eq(auditEvents.action, 'scim-connection.created'));
    expect(events).toEqual([expect.objectContaining({ organizationId: acme.id })]);
    expect(JSON.stringify(events)).not.toContain(token.slice(5));
    expect(JSON.stringify(events)).not.toContain(stored[0]!.secretHash);
  });

  it('refuses bad input as problem+json (422), never a 5xx', async () => {
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(101) }, { name: 'ok', passwordSetup: 'email' }, { name: 'ok', extra: 1 }, [], 'text']) {
      const response = await callApi('POST', `/api/v1/organizations/${acme.id}/scim-connections`, { json: body, ...as(owner) });
      expect(response.status, JSON.stringify(body)).toBe(422);
    }
    expect((await db.select({ n: count() }).from(scimConnections))[0]!.n).toBe(0);
  });

  it('the token identifies its connection and organization alone; another organization’s people cannot see it', async () => {
    const created = await createThroughApi();
    expect(await authenticateScimToken(db, `Bearer ${created.token as string}`)).toEqual({ connectionId: created.id, organizationId: acme.id, passwordSetup: 'invitation' });
    const stranger = await bearerFor(db, 'member');
    await seedOrganization(db, 'stranger', stranger.userId);
    await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/scim-connections/${created.id as string}`, as(stranger)), 404);
    // Acme's connection is not found under another organization's path (and its owner is no member of Globex).
    await expectStatus(await callApi('GET', `/api/v1/organizations/${globex.id}/scim-connections/${created.id as string}`, as(owner)), 404);
    // Acme's own key with organizations:write reads them but makes none: a token is a credential into Acme.
    const { secret } = await createOrganizationApiKey({ db, principal: systemPrincipal() }, acme.id, { name: 'sync', scopes: ['organizations:write'] });
    const key = { headers: { authorization: `Bearer ${secret}` } };
    await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/scim-connections`, key), 200);
    await expectStatus(await callApi('POST', `/api/v1/organizations/${acme.id}/scim-connections`, { json: { name: 'k' }, ...key }), 403);
    await expectStatus(await callApi('POST', `/api/v1/organizations/${acme.id}/scim-connections/${created.id as string}/tokens`, key), 403);
    // A service-wide key is no member of Acme.
    const serviceKey = await apiKeyFor(db, ['users:read']);
    await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/scim-connections`, { headers: { authorization: `Bearer ${serviceKey.secret}` } }), 403);
  });

  it('rotation: the new token works, the old one too until the overlap ends; a second rotation ends the first token', async () => {
    const created = await createThroughApi();
    const first = created.token as string;
    const rotated = await expectStatus(await callApi('POST', `/api/v1/organizations/${acme.id}/scim-connections/${created.id as string}/tokens`, as(owner)), 201);
    const second = rotated.token as string;
    expect(second).not.toBe(first);
    const tokens = rotated.tokens as { expiresAt: string | null; revokedAt: string | null }[];
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toMatchObject({ expiresAt: null, revokedAt: null });
    const overlapEnds = new Date(tokens[1]!.expiresAt!).getTime() - Date.now();
    expect(overlapEnds).toBeGreaterThan(TOKEN_OVERLAP_MS - 60_000);
    expect(overlapEnds).toBeLessThanOrEqual(TOKEN_OVERLAP_MS);
    for (const token of [first, second]) expect((await scimGet(configRoute, '/api/scim/v2/ServiceProviderConfig', token)).status).toBe(200);

    // A day later the old token is refused (a day outlives the seconds this process remembers a token for).
    await db.update(scimTokens).set({ expiresAt: new Date(Date.now() - 1) }).where(eq(scimTokens.id, (await db.select().from(scimTokens).orderBy(scimTokens.createdAt))[0]!.id));
    processScimTokenCache().forget();
    expect((await scimGet(configRoute, '/api/scim/v2/ServiceProviderConfig', first)).status).toBe(401);
    expect((await scimGet(configRoute, '/api/scim/v2/ServiceProviderConfig', second)).status).toBe(200);

    // Never more than two live: a third token ends the second's predecessor at once and gives the second the overlap.
    const third = await rotateScimToken({ db, principal: systemPrincipal() }, acme.id, created.id as string);
    const live = await db.select().from(scimTokens);
    expect(live.filter((token) => token.revokedAt === null && (token.expiresAt === null || token.expiresAt > new Date()))).toHaveLength(2);
    expect((await scimGet(configRoute, '/api/scim/v2/ServiceProviderConfig', third.token)).status).toBe(200);
    expect((await scimGet(configRoute, '/api/scim/v2/ServiceProviderConfig', second)).status).toBe(200);
    const rotations = await db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, 'scim-connection.token-rotated'));
    expect(rotations[0]!.n).toBe(2);
  });

  it('revoking ends every token at once; it stays listed; revoking again is 412; a revoked connection rotates no more', async () => {
    const created = await createThroughApi();
    const path = `/api/v1/organizations/${acme.id}/scim-connections/${created.id as string}`;
    const rotated = await expectStatus(await callApi('POST', `${path}/tokens`, as(owner)), 201);
    const revoked = await expectStatus(await callApi('DELETE', path, as(owner)), 200);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    for (const token of [created.token, rotated.token] as string[]) {
      const response = await scimGet(configRoute, '/api/scim/v2/ServiceProviderConfig', token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
    }
    await expectStatus(await callApi('DELETE', path, as(owner)), 412);
    await expectStatus(await callApi('POST', `${path}/tokens`, as(owner)), 412);
    const listed = await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/scim-connections`, as(owner)), 200);
    expect(listed.items).toEqual([expect.objectContaining({ id: created.id, revokedAt: revoked.revokedAt })]);
  });

  it('listing shows when the connection was last used', async () => {
    const created = await createThroughApi();
    await scimGet(configRoute, '/api/scim/v2/ServiceProviderConfig', created.token as string);
    const one = await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/scim-connections/${created.id as string}`, as(owner)), 200);
    expect(Math.abs(new Date(one.lastUsedAt as string).getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('deleting the organization deletes its connections, recorded as revoked, and their tokens stop working', async () => {
    const created = await createThroughApi();
    await expectStatus(await callApi('DELETE', `/api/v1/organizations/${acme.id}`, as(owner)), 204);
    expect((await scimGet(configRoute, '/api/scim/v2/ServiceProviderConfig', created.token as string)).status).toBe(401);
    expect(await db.select().from(scimTokens)).toEqual([]);
    const revoked = await db.select({ subjectId: auditEvents.subjectId, organizationId: auditEvents.organizationId }).from(auditEvents).where(eq(auditEvents.action, 'scim-connection.revoked'));
    expect(revoked).toEqual([{ subjectId: created.id, organizationId: acme.id }]);
  });
});

describe('discovery', () => {
  it('answers only a token, as application/scim+json, saying truthfully what is supported', async () => {
    const { token } = await createScimConnection({ db, principal: systemPrincipal() }, acme.id, { name: 'Entra' });
    for (const sent of [undefined, 'scim_nope', 'rst_whatever']) {
      const response = await scimGet(configRoute, '/api/scim/v2/ServiceProviderConfig', sent);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/scim+json');
    }
    const response = await scimGet(configRoute, '/api/scim/v2/ServiceProviderConfig', token);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    expect(await response.json()).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken', primary: true })],
    });

    const types = (await (await scimGet(resourceTypesRoute, '/api/scim/v2/ResourceTypes', token)).json()) as { totalResults: number; Resources: { id: string; endpoint: string; schemaExtensions: { schema: string }[] }[] };
    expect(types.totalResults).toBe(2);
    expect(types.Resources.map((type) => [type.id, type.endpoint])).toEqual([['User', '/Users'], ['Group', '/Groups']]);
    expect(types.Resources[0]!.schemaExtensions).toEqual([{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }]);
    expect((await scimGet(resourceTypeRoute, '/api/scim/v2/ResourceTypes/Group', token, 'Group')).status).toBe(200);

    const schemas = (await (await scimGet(schemasRoute, '/api/scim/v2/Schemas', token)).json()) as { Resources: { id: string; attributes: { name: string }[] }[] };
    expect(schemas.Resources.map((schema) => schema.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
    ]);
    expect(schemas.Resources[0]!.attributes.map((attribute) => attribute.name)).toEqual(['userName', 'name', 'displayName', 'active', 'emails', 'externalId']);
    expect(schemas.Resources[1]!.attributes.map((attribute) => attribute.name)).toEqual(['employeeNumber', 'department', 'manager']);
    const user = 'urn:ietf:params:scim:schemas:core:2.0:User';
    expect(await (await scimGet(schemaRoute, `/api/scim/v2/Schemas/${user}`, token, user)).json()).toMatchObject({ id: user, name: 'User' });
    const missing = await scimGet(schemaRoute, '/api/scim/v2/Schemas/nope', token, 'nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: '404', schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] });
  });
});

describe('the wrapper and the journal', () => {
  // A route built on scimHandler as the Users and Groups routes are: it answers with what the test asks it to throw.
  let failWith: unknown;
  const route = scimHandler<{ id: string }>(async (_request, scope, { body }) => {
    if (failWith) throw failWith;
    return scimJson({ scope, body });
  });
  const send = (token: string, method: string, path: string, init: { body?: string; contentType?: string } = {}) =>
    route(
      new Request(new URL(path, 'http://localhost:3000'), {
        method,
        headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': init.contentType ?? 'application/scim+json' }) },
        body: init.body,
      }),
      { params: Promise.resolve({ id: 'x' }) },
    );
  const journal = async (connectionId: string) =>
    (await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/scim-connections/${connectionId}/requests`, as(owner)), 200)).items as Record<string, unknown>[];

  beforeEach(() => {
    failWith = undefined;
  });

  it('hands the handler its scope and the parsed body, from application/scim+json and application/json alike', async () => {
    const { connection, token } = await createScimConnection({ db, principal: systemPrincipal() }, acme.id, { name: 'Okta' });
    for (const contentType of ['application/scim+json', 'application/json; charset=utf-8']) {
      const response = await send(token, 'POST', '/api/scim/v2/Users', { body: '{"userName":"a"}', contentType });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/scim+json');
      expect(await response.json()).toEqual({ scope: { connectionId: connection.id, organizationId: acme.id, passwordSetup: 'none' }, body: { userName: 'a' } });
    }
    const other = await createScimConnection({ db, principal: systemPrincipal() }, globex.id, { name: 'Okta' });
    expect(((await (await send(other.token, 'GET', '/api/scim/v2/Users')).json()) as { scope: unknown }).scope).toMatchObject({ organizationId: globex.id });
  });

  it('maps every error to the SCIM error schema, never a 5xx for bad input, and journals each with its scimType', async () => {
    const { connection, token } = await createScimConnection({ db, principal: systemPrincipal() }, acme.id, { name: 'Okta' });
    const cases: [() => Promise<Response>, number, string | undefined][] = [
      [() => send(token, 'POST', '/api/scim/v2/Users', { body: 'userName=a', contentType: 'text/plain' }), 415, undefined],
      [() => send(token, 'POST', '/api/scim/v2/Users', { body: '{"userName":' }), 400, 'invalidSyntax'],
      [() => send(token, 'POST', '/api/scim/v2/Users', { body: 'x'.repeat(1024 * 1024 + 1) }), 413, undefined],
    ];
    for (const [call, status, scimType] of cases) {
      const response = await call();
      const body = (await response.json()) as Record<string, unknown>;
      expect(response.status).toBe(status);
      expect(body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail: expect.any(String) });
      expect(body.scimType).toBe(scimType);
    }
    const thrown: [unknown, number, string | undefined][] = [
      [new ScimError(400, 'invalidFilter', 'Users can’t be filtered on title.'), 400, 'invalidFilter'],
      [new NotFound('User'), 404, undefined],
      [new Conflict('A user with this userName already exists.'), 409, 'uniqueness'],
      [new ValidationFailed([{ path: ['userName'], message: 'Too long' }]), 400, 'invalidValue'],
      [new Error('secret internals'), 500, undefined],
    ];
    for (const [error, status, scimType] of thrown) {
      failWith = error;
      const response = await send(token, 'GET', '/api/scim/v2/Users/x');
      const body = (await response.json()) as Record<string, unknown>;
      expect(response.status).toBe(status);
      expect(body.status).toBe(String(status));
      expect(body.scimType).toBe(scimType);
      expect(JSON.stringify(body)).not.toContain('secret internals');
    }
    const rows = await journal(connection.id);
    expect(rows.map((row) => [row.status, row.scimType])).toEqual(
      [...cases.map(([, status, scimType]) => [status, scimType ?? null]), ...thrown.map(([, status, scimType]) => [status, scimType ?? null])].reverse(),
    );
    for (const row of rows) expect(row.latencyMs).toEqual(expect.any(Number));
  });

  it('journals method, path and operations with attribute names kept and every value left out, newest first', async () => {
    const { connection, token } = await createScimConnection({ db, principal: systemPrincipal() }, acme.id, { name: 'Entra' });
    await send(token, 'GET', `/api/scim/v2/Users?filter=${encodeURIComponent('userName eq "alice@acme.example" and emails[type eq "work"].value co "acme"')}&startIndex=1&count=100`);
    await send(token, 'POST', '/api/scim/v2/Users', {
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'alice@acme.example',
        name: { givenName: 'Alice', familyName: 'Liddell' },
        emails: [{ value: 'alice@acme.example', type: 'work', primary: true }],
        active: true,
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Wonderland' },
      }),
    });
    await send(token, 'PATCH', '/api/scim/v2/Users/0190', {
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'Replace', path: 'active', value: 'False' },
          { op: 'Add', value: { 'name.givenName': 'Alicia', displayName: 'Alicia L.' } },
          { op: 'Remove', path: 'members[value eq "9f1c-secret-member"]' },
          { op: 'Remove', path: 'members', value: [{ value: 'member-a' }, { value: 'member-b' }] },
          { op: 'replace', value: { active: false } },
        ],
      }),
    });
    await send(token, 'DELETE', '/api/scim/v2/Users/0190');

    const rows = await journal(connection.id);
    expect(rows.map((row) => [row.method, row.path, row.summary, row.status])).toEqual([
      ['DELETE', '/api/scim/v2/Users/0190', 'delete', 200],
      [
        'PATCH',
        '/api/scim/v2/Users/0190',
        'operations: Replace active; Add (name.givenName, displayName); Remove members[value eq "…"]; Remove members (2 values); replace (active)',
        200,
      ],
      [
        'POST',
        '/api/scim/v2/Users',
        'attributes: userName, name.givenName, name.familyName, emails, active, urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
        200,
      ],
      ['GET', '/api/scim/v2/Users?filter=userName eq "…" and emails[type eq "…"].value co "…"&startIndex=1&count=100', 'filter: userName eq "…" and emails[type eq "…"].value co "…"', 200],
    ]);
    const everything = JSON.stringify(await db.select().from(scimRequests));
    for (const value of ['alice', 'Alice', 'Liddell', 'Wonderland', 'False', 'Alicia', '9f1c-secret-member', 'member-a', 'acme"']) expect(everything).not.toContain(value);
  });

  it('requests without a valid token are refused before the body is read and are not journaled', async () => {
    const { connection } = await createScimConnection({ db, principal: systemPrincipal() }, acme.id, { name: 'Okta' });
    const response = await send('scim_unknown', 'POST', '/api/scim/v2/Users', { body: '{"userName":"a"}' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await journal(connection.id)).toEqual([]);
  });
});

describeEachDatabase('SCIM tokens and journal in SQL', (database) => {
  it('tokens are found by hash, rotated with an overlap, refused once revoked; the journal keeps the newest 1,000', async () => {
    const ctx = { db: database(), principal: systemPrincipal() };
    const maker = await insertUser(database(), 'member');
    const organization = await seedOrganization(database(), 'sql-acme', maker.id);
    const { connection, token } = await createScimConnection(ctx, organization.id, { name: 'Okta', passwordSetup: 'invitation' });
    expect(await authenticateScimToken(database(), `Bearer ${token}`)).toEqual({ connectionId: connection.id, organizationId: organization.id, passwordSetup: 'invitation' });
    expect(await authenticateScimToken(database(), `bearer   ${token}`)).not.toBeNull();
    for (const header of [null, '', token, `Basic ${token}`, `Bearer ${token}x`, `Bearer ${'scim_'.padEnd(500, 'a')}`]) expect(await authenticateScimToken(database(), header)).toBeNull();

    const rotated = await rotateScimToken(ctx, organization.id, connection.id);
    expect(await authenticateScimToken(database(), `Bearer ${token}`)).not.toBeNull();
    expect(await authenticateScimToken(database(), `Bearer ${rotated.token}`)).not.toBeNull();
    await revokeScimConnection(ctx, organization.id, connection.id);
    expect(await authenticateScimToken(database(), `Bearer ${token}`)).toBeNull();
    expect(await authenticateScimToken(database(), `Bearer ${rotated.token}`)).toBeNull();

    for (let i = 0; i < JOURNAL_SIZE + 120; i++) {
      await recordScimRequest(database(), { connectionId: connection.id, method: 'GET', path: `/api/scim/v2/Users/${i}`, summary: 'read', status: 200, scimType: null, latencyMs: 1 });
    }
    const kept = await database().select({ path: scimRequests.path }).from(scimRequests).orderBy(scimRequests.id);
    expect(kept.length).toBeGreaterThanOrEqual(JOURNAL_SIZE);
    expect(kept.length).toBeLessThan(JOURNAL_SIZE + 50);
    expect(kept.at(-1)!.path).toBe(`/api/scim/v2/Users/${JOURNAL_SIZE + 119}`);
  });
});
