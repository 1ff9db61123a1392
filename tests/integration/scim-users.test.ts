import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents, organizationMembers, scimRequests, sessions, users } from '@/db/schema';
import { truncateAll } from '../support/database';
import { callApi } from '../support/organizations';
import { insertUser, signIn } from '../support/principals';
import { expectScim, type Json, scim, scimConnectionFor, scimFixture, sendFixture } from '../support/scim';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

let db: Database;
beforeEach(async () => {
  db = (await getDatabase()).db;
  await truncateAll(db);
});

async function expectScimError(response: Response, status: number, scimType?: string): Promise<Json> {
  const body = await expectScim(response, status);
  expect(body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  expect(body.status).toBe(String(status));
  if (scimType) expect(body.scimType).toBe(scimType);
  return body;
}

describe("Okta's SCIM 2.0 SPEC test, re-authored against the real routes", () => {
  it('runs its twelve steps in order', async () => {
    const { token, organizationId } = await scimConnectionFor(db, 'okta-org');
    // 1. GET /Users?startIndex=1&count=1: a ListResponse, even with nobody provisioned yet.
    const empty = await expectScim(await sendFixture(token, scimFixture('okta', 'getUsersCountOne')), 200);
    expect(empty).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    // 2. A username that does not exist yet: totalResults 0.
    const none = await expectScim(await sendFixture(token, scimFixture('okta', 'filterUserName')), 200);
    expect(none.totalResults).toBe(0);
    // 3. Create the user with realistic values: 201 with id, meta, Location and ETag.
    const createdResponse = await sendFixture(token, scimFixture('okta', 'createUser'));
    const created = await expectScim(createdResponse, 201);
    expect(created).toMatchObject({
      userName: 'test.user@okta.local',
      externalId: '00ujl29u0le5T6Aj10h7',
      name: { givenName: 'Test', familyName: 'User' },
      displayName: 'Test User',
      emails: [{ value: 'test.user@okta.local', primary: true, type: 'work' }],
      active: true,
      meta: { resourceType: 'User', version: 'W/"1"' },
    });
    expect(created).not.toHaveProperty('password');
    const id = created.id as string;
    expect(created.meta.location).toMatch(new RegExp(`/api/scim/v2/Users/${id}$`));
    expect(createdResponse.headers.get('location')).toBe(created.meta.location);
    expect(createdResponse.headers.get('etag')).toBe('W/"1"');
    // 4. GET /Users?count=1 now lists one.
    const one = await expectScim(await sendFixture(token, scimFixture('okta', 'getUsersCountOne')), 200);
    expect(one).toMatchObject({ totalResults: 1, itemsPerPage: 1, Resources: [{ id }] });
    // 5. GET /Users/{id}.
    expect(await expectScim(await scim(token, 'GET', `/Users/${id}`), 200)).toMatchObject({ id, userName: 'test.user@okta.local', active: true });
    // 6. Filter by userName finds it.
    expect(await expectScim(await sendFixture(token, scimFixture('okta', 'filterUserName')), 200)).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    // 7. userName is case-insensitive.
    expect(await expectScim(await scim(token, 'GET', `/Users?filter=${encodeURIComponent('userName eq "TEST.USER@OKTA.LOCAL"')}`), 200)).toMatchObject({ totalResults: 1 });
    // 8. The same user again: 409 uniqueness.
    await expectScimError(await sendFixture(token, scimFixture('okta', 'createUser')), 409, 'uniqueness');
    // 9. PUT the whole user.
    const replaced = await expectScim(await sendFixture(token, scimFixture('okta', 'replaceUser', { id })), 200);
    expect(replaced).toMatchObject({ name: { givenName: 'Another', familyName: 'User' }, displayName: 'Another Test User', active: true, meta: { version: 'W/"2"' } });
    // 10. PATCH active false (Okta's path-less shape): the membership is suspended.
    expect(await expectScim(await sendFixture(token, scimFixture('okta', 'deactivateUser', { id })), 200)).toMatchObject({ active: false });
    const [membership] = await db.select().from(organizationMembers).where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, id)));
    expect(membership!.suspendedAt).not.toBeNull();
    // 11. GET /Users/{random id}: 404 in the SCIM error schema.
    await expectScimError(await scim(token, 'GET', `/Users/${randomUUID()}`), 404);
    // 12. The user reads back as the last change left them, and a reactivation brings them back.
    expect(await expectScim(await scim(token, 'GET', `/Users/${id}`), 200)).toMatchObject({ active: false, displayName: 'Another Test User' });
    expect(await expectScim(await sendFixture(token, scimFixture('okta', 'reactivateUser', { id })), 200)).toMatchObject({ active: true });
  });

  it('a PUT without active leaves a suspended user suspended (and an active one active)', async () => {
    const { token } = await scimConnectionFor(db, 'okta-org');
    const { id } = await expectScim(await sendFixture(token, scimFixture('okta', 'createUser')), 201);
    await expectScim(await sendFixture(token, scimFixture('okta', 'deactivateUser', { id })), 200);
    expect(await expectScim(await sendFixture(token, scimFixture('okta', 'replaceUserWithoutActive', { id })), 200)).toMatchObject({ active: false });
    await expectScim(await sendFixture(token, scimFixture('okta', 'reactivateUser', { id })), 200);
    expect(await expectScim(await sendFixture(token, scimFixture('okta', 'replaceUserWithoutActive', { id })), 200)).toMatchObject({ active: true });
  });

  it("a password PATCH (Roster doesn't take passwords over SCIM) changes nothing and fails nothing", async () => {
    const { token } = await scimConnectionFor(db, 'okta-org');
    const { id } = await expectScim(await sendFixture(token, scimFixture('okta', 'createUser')), 201);
    const response = await sendFixture(token, scimFixture('okta', 'updateUserPassword', { id }));
    expect(response.status).toBeLessThan(500);
  });
});

describe("Entra's request shapes through the real routes", () => {
  it('creates, filters, updates by RFC and legacy PATCH shapes, disables and enables', async () => {
    const { token, organizationId } = await scimConnectionFor(db, 'entra-org');
    const created = await expectScim(await sendFixture(token, scimFixture('entra', 'createUser')), 201);
    expect(created).toMatchObject({ userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1', externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef', active: true });
    const id = created.id as string;
    expect(await expectScim(await sendFixture(token, scimFixture('entra', 'filterExternalId')), 200)).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    expect(await expectScim(await sendFixture(token, scimFixture('entra', 'filterUserName')), 200)).toMatchObject({ totalResults: 0 });

    const enterprise = await expectScim(await sendFixture(token, scimFixture('entra', 'createUserEnterprise')), 201);
    expect(enterprise).toMatchObject({
      emails: [{ value: 'adelev@contoso.com' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '701984', department: 'Retail', manager: { value: '2819c223-7f76-453a-919d-413861904646' } },
    });

    const multi = await expectScim(await sendFixture(token, scimFixture('entra', 'updateUserMultiValued', { id })), 200);
    expect(multi).toMatchObject({ emails: [{ value: 'updatedemail@microsoft.com' }], name: { familyName: 'updatedFamilyName' } });
    const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, id));
    expect(user!.email).toBe('updatedemail@microsoft.com');
    expect(await expectScim(await sendFixture(token, scimFixture('entra', 'updateUserSingleValued', { id })), 200)).toMatchObject({ userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' });

    expect(await expectScim(await sendFixture(token, scimFixture('entra', 'disableUserLegacy', { id })), 200)).toMatchObject({ active: false });
    expect(await expectScim(await sendFixture(token, scimFixture('entra', 'enableUserLegacy', { id })), 200)).toMatchObject({ active: true });
    expect(await expectScim(await sendFixture(token, scimFixture('entra', 'disableUser', { id })), 200)).toMatchObject({ active: false });

    const dotted = await expectScim(await sendFixture(token, scimFixture('entra', 'updateUserLegacyDottedKeys', { id })), 200);
    expect(dotted).toMatchObject({ displayName: 'Barbara Jensen', name: { givenName: 'Barbara', familyName: 'Jensen' } });
    const adele = enterprise.id as string;
    expect(await expectScim(await sendFixture(token, scimFixture('entra', 'updateUserEnterprise', { id: adele })), 200)).toMatchObject({
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '701985' },
    });
    const noManager = await expectScim(await sendFixture(token, scimFixture('entra', 'removeUserManager', { id: adele })), 200);
    expect(noManager['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).not.toHaveProperty('manager');

    // Every change went through the event log, door scim; the membership events name the organization.
    const events = await db.select({ action: auditEvents.action, organizationId: auditEvents.organizationId }).from(auditEvents).where(eq(auditEvents.door, 'scim')).orderBy(asc(auditEvents.position));
    expect(events.filter((event) => event.action.startsWith('member.')).every((event) => event.organizationId === organizationId)).toBe(true);
    expect(events.map((event) => event.action)).toEqual(expect.arrayContaining(['user.created', 'member.added', 'member.updated', 'user.updated', 'member.suspended', 'member.restored']));
  });

  it('several operations apply all or none: a bad one leaves the user unchanged', async () => {
    const { token } = await scimConnectionFor(db, 'entra-org');
    const { id } = await expectScim(await sendFixture(token, scimFixture('entra', 'createUser')), 201);
    await expectScimError(
      await scim(token, 'PATCH', `/Users/${id}`, {
        json: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            { op: 'Replace', path: 'displayName', value: 'Changed' },
            { op: 'Replace', path: 'active', value: 'maybe' },
          ],
        },
      }),
      400,
    );
    const after = await expectScim(await scim(token, 'GET', `/Users/${id}`), 200);
    expect(after).not.toHaveProperty('displayName');
    expect(after.meta.version).toBe('W/"1"');
  });
});

describe('SCIM Users: errors, ETags, deletion, sessions and tenancy', () => {
  it('answers 401 with WWW-Authenticate for a missing or unknown token, 400 invalidFilter for an unsupported filter, 415 for another media type', async () => {
    const { token } = await scimConnectionFor(db, 'acme');
    const missing = await scim('', 'GET', '/Users');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    await expectScimError(missing, 401);
    await expectScimError(await scim('scim_not-a-real-token', 'GET', '/Users'), 401);
    await expectScimError(await scim(token, 'GET', `/Users?filter=${encodeURIComponent('title pr')}`), 400, 'invalidFilter');
    await expectScimError(await scim(token, 'POST', '/Users', { json: { userName: 'x@example.com' }, headers: { 'content-type': 'text/plain' } }), 415);
    await expectScimError(await scim(token, 'POST', '/Users', { json: { userName: '' } }), 400);
  });

  it('If-Match with a stale meta.version is 412; the current one passes', async () => {
    const { token } = await scimConnectionFor(db, 'acme');
    const { id } = await expectScim(await sendFixture(token, scimFixture('okta', 'createUser')), 201);
    await expectScimError(await scim(token, 'PATCH', `/Users/${id}`, { json: scimFixture('okta', 'deactivateUser').body, headers: { 'if-match': 'W/"9"' } }), 412);
    const ok = await scim(token, 'PATCH', `/Users/${id}`, { json: scimFixture('okta', 'deactivateUser').body, headers: { 'if-match': 'W/"1"' } });
    expect((await expectScim(ok, 200)).meta.version).toBe('W/"2"');
    expect(ok.headers.get('etag')).toBe('W/"2"');
  });

  it('deactivation ends the user’s sessions and refuses sign-in; reactivation lets them sign in again', async () => {
    const { token } = await scimConnectionFor(db, 'acme');
    const existing = await insertUser(db, 'member', { email: 'test.user@okta.local', password: true });
    // A confirmed address, so linking keeps the password (an unconfirmed one would lose it: see scim-core.test.ts).
    await db.update(users).set({ emailVerified: true }).where(eq(users.id, existing.id));
    const { id } = await expectScim(await sendFixture(token, scimFixture('okta', 'createUser')), 201);
    const session = await signIn(db, 'test.user@okta.local');
    const me = () => callApi('GET', '/api/v1/me', { headers: { authorization: `Bearer ${session.token}` } });
    expect((await me()).status).toBe(200);
    await expectScim(await sendFixture(token, scimFixture('okta', 'deactivateUser', { id })), 200);
    expect(await db.select().from(sessions).where(eq(sessions.userId, id))).toEqual([]);
    expect((await me()).status).toBe(401);
    await expect(signIn(db, 'test.user@okta.local')).rejects.toThrow(/403/);
    await expectScim(await sendFixture(token, scimFixture('okta', 'reactivateUser', { id })), 200);
    await expect(signIn(db, 'test.user@okta.local')).resolves.toMatchObject({ token: expect.any(String) });
  });

  it('DELETE removes the membership, and the user when nothing else holds them; afterwards 404', async () => {
    const { token } = await scimConnectionFor(db, 'acme');
    const { id } = await expectScim(await sendFixture(token, scimFixture('okta', 'createUser')), 201);
    await expectScim(await scim(token, 'DELETE', `/Users/${id}`), 204);
    expect(await db.select().from(users).where(eq(users.id, id))).toEqual([]);
    await expectScimError(await scim(token, 'GET', `/Users/${id}`), 404);
    await expectScimError(await scim(token, 'DELETE', `/Users/${id}`), 404);
  });

  it("a token of one organization never reaches another's users", async () => {
    const acme = await scimConnectionFor(db, 'acme');
    const globex = await scimConnectionFor(db, 'globex');
    const { id } = await expectScim(await sendFixture(acme.token, scimFixture('okta', 'createUser')), 201);
    await expectScimError(await scim(globex.token, 'GET', `/Users/${id}`), 404);
    await expectScimError(await scim(globex.token, 'PUT', `/Users/${id}`, { json: scimFixture('okta', 'replaceUser').body }), 404);
    await expectScimError(await sendFixture(globex.token, scimFixture('okta', 'deactivateUser', { id })), 404);
    await expectScimError(await scim(globex.token, 'DELETE', `/Users/${id}`), 404);
    expect(await expectScim(await sendFixture(globex.token, scimFixture('okta', 'filterUserName')), 200)).toMatchObject({ totalResults: 0 });
    expect(await expectScim(await scim(acme.token, 'GET', `/Users/${id}`), 200)).toMatchObject({ active: true });
  });

  it('journals each request with attribute names and without values', async () => {
    const { token, connectionId } = await scimConnectionFor(db, 'acme');
    await sendFixture(token, scimFixture('okta', 'createUser'));
    const rows = await db.select().from(scimRequests).where(eq(scimRequests.connectionId, connectionId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ method: 'POST', status: 201 });
    expect(rows[0]!.summary).toContain('userName');
    expect(rows[0]!.summary).not.toContain('test.user@okta.local');
  });
});
