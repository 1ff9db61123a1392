import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createOrganizationApiKey } from '@/core/api-keys';
import { setScimGroupRole } from '@/core/scim/groups';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents, organizationMembers, scimGroupMembers } from '@/db/schema';
import * as groupRoleRoute from '../../app/api/v1/organizations/[orgId]/scim-groups/[groupId]/role/route';
import * as groupsListRoute from '../../app/api/v1/organizations/[orgId]/scim-groups/route';
import { truncateAll } from '../support/database';
import { systemPrincipal } from '../support/principals';
import { expectScim, scim, scimConnectionFor, scimFixture, sendFixture } from '../support/scim';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

let db: Database;
beforeEach(async () => {
  db = (await getDatabase()).db;
  await truncateAll(db);
});

const membersOf = async (groupId: string) => (await db.select({ userId: scimGroupMembers.userId }).from(scimGroupMembers).where(eq(scimGroupMembers.groupId, groupId))).map((row) => row.userId).sort();

async function provision(token: string, userName: string): Promise<string> {
  const created = await expectScim(await scim(token, 'POST', '/Users', { json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, emails: [{ value: userName, primary: true }] } }), 201);
  return created.id as string;
}

describe('SCIM Groups through the real routes', () => {
  it("Okta: create, find by displayName, rename, add and remove members, PUT the member list; duplicates are 409", async () => {
    const { token } = await scimConnectionFor(db, 'okta-org');
    const ada = await provision(token, 'ada@example.com');
    const bob = await provision(token, 'bob@example.com');
    const created = await expectScim(await sendFixture(token, scimFixture('okta', 'createGroup')), 201);
    expect(created).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Test SCIMv2', members: [], meta: { resourceType: 'Group', version: 'W/"1"' } });
    const id = created.id as string;
    const duplicate = await expectScim(await sendFixture(token, scimFixture('okta', 'createGroup')), 409);
    expect(duplicate).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect(await expectScim(await sendFixture(token, scimFixture('okta', 'filterGroupDisplayName')), 200)).toMatchObject({ totalResults: 1, Resources: [{ id }] });

    expect(await expectScim(await sendFixture(token, scimFixture('okta', 'renameGroup', { id })), 200)).toMatchObject({ displayName: 'Test SCIMv2 renamed' });
    await expectScim(await sendFixture(token, scimFixture('okta', 'addGroupMembers', { id, userId: ada })), 200);
    await expectScim(await sendFixture(token, scimFixture('okta', 'addGroupMembers', { id, userId: bob })), 200);
    expect(await membersOf(id)).toEqual([ada, bob].sort());
    await expectScim(await sendFixture(token, scimFixture('okta', 'removeGroupMember', { id, userId: ada })), 200);
    expect(await membersOf(id)).toEqual([bob]);
    const replaced = await expectScim(await sendFixture(token, scimFixture('okta', 'replaceGroup', { id, userId: ada })), 200);
    expect(replaced).toMatchObject({ displayName: 'Test SCIMv2', members: [{ value: ada, display: 'ada@example.com' }] });
    expect(await membersOf(id)).toEqual([ada]);

    await expectScim(await scim(token, 'DELETE', `/Groups/${id}`), 204);
    await expectScim(await scim(token, 'GET', `/Groups/${id}`), 404);
  });

  it('Entra: create, add a member, membership check with excludedAttributes=members, remove by value list and by filter', async () => {
    const { token } = await scimConnectionFor(db, 'entra-org');
    const ada = await provision(token, 'ada@example.com');
    const created = await expectScim(await sendFixture(token, scimFixture('entra', 'createGroup')), 201);
    const groupId = created.id as string;
    expect(created).toMatchObject({ displayName: 'displayName', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159' });

    const found = await expectScim(await sendFixture(token, scimFixture('entra', 'filterGroupDisplayName')), 200);
    expect(found).toMatchObject({ totalResults: 1, Resources: [{ id: groupId }] });
    expect(found.Resources[0]).not.toHaveProperty('members');

    await expectScim(await sendFixture(token, scimFixture('entra', 'addGroupMember', { id: groupId, userId: ada })), 200);
    const check = await expectScim(await sendFixture(token, scimFixture('entra', 'groupMembershipCheck', { groupId, userId: ada })), 200);
    expect(check).toMatchObject({ totalResults: 1, Resources: [{ id: groupId }] });
    expect(check.Resources[0]).not.toHaveProperty('members');
    expect((await expectScim(await scim(token, 'GET', `/Groups/${groupId}?excludedAttributes=members`), 200)).members).toBeUndefined();

    await expectScim(await sendFixture(token, scimFixture('entra', 'removeGroupMemberByValueList', { id: groupId, userId: ada })), 200);
    expect(await membersOf(groupId)).toEqual([]);
    expect(await expectScim(await sendFixture(token, scimFixture('entra', 'groupMembershipCheck', { groupId, userId: ada })), 200)).toMatchObject({ totalResults: 0 });
    await expectScim(await sendFixture(token, scimFixture('entra', 'addGroupMember', { id: groupId, userId: ada })), 200);
    await expectScim(await sendFixture(token, scimFixture('entra', 'removeGroupMemberByFilter', { id: groupId, userId: ada })), 200);
    expect(await membersOf(groupId)).toEqual([]);
    expect(await expectScim(await sendFixture(token, scimFixture('entra', 'renameGroup', { id: groupId })), 200)).toMatchObject({ displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' });
  });

  it('a group bound to admin makes its members admins of the organization, and leaving it takes that back', async () => {
    const { token, organizationId } = await scimConnectionFor(db, 'acme');
    const ada = await provision(token, 'ada@example.com');
    const { id } = await expectScim(await sendFixture(token, scimFixture('okta', 'createGroup')), 201);
    await setScimGroupRole({ db, principal: systemPrincipal() }, organizationId, id as string, { role: 'admin' });
    const roleOf = async () => (await db.select({ role: organizationMembers.role }).from(organizationMembers).where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, ada))))[0]!.role;
    await expectScim(await sendFixture(token, scimFixture('okta', 'addGroupMembers', { id: id as string, userId: ada })), 200);
    expect(await roleOf()).toBe('admin');
    await expectScim(await sendFixture(token, scimFixture('okta', 'removeGroupMember', { id: id as string, userId: ada })), 200);
    expect(await roleOf()).toBe('member');
  });

  it("another organization's users can't be made members, and its token sees none of these groups", async () => {
    const acme = await scimConnectionFor(db, 'acme');
    const globex = await scimConnectionFor(db, 'globex');
    const outsider = await provision(globex.token, 'eve@example.com');
    const { id } = await expectScim(await sendFixture(acme.token, scimFixture('okta', 'createGroup')), 201);
    const refused = await expectScim(await sendFixture(acme.token, scimFixture('okta', 'addGroupMembers', { id: id as string, userId: outsider })), 400);
    expect(refused.scimType).toBe('invalidValue');
    await expectScim(await scim(globex.token, 'GET', `/Groups/${id as string}`), 404);
    expect(await expectScim(await scim(globex.token, 'GET', '/Groups'), 200)).toMatchObject({ totalResults: 0 });
  });

  it('/api/v1: lists the groups with their roles, and PUT …/role binds one (members become admins) and unbinds it (null)', async () => {
    const { token, organizationId } = await scimConnectionFor(db, 'acme');
    const ada = await provision(token, 'ada@example.com');
    const { id } = await expectScim(await sendFixture(token, scimFixture('okta', 'createGroup')), 201);
    const groupId = id as string;
    await expectScim(await sendFixture(token, scimFixture('okta', 'addGroupMembers', { id: groupId, userId: ada })), 200);
    const { secret } = await createOrganizationApiKey({ db, principal: systemPrincipal() }, organizationId, { name: 'ops', scopes: ['organizations:write'] });
    const call = (method: 'GET' | 'PUT', path: string, body?: unknown) =>
      new Request(`http://localhost:3000/api/v1/organizations/${organizationId}${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const roleOf = async () => (await db.select({ role: organizationMembers.role }).from(organizationMembers).where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, ada))))[0]!.role;
    const params = { params: Promise.resolve({ orgId: organizationId, groupId }) };

    const listed = await groupsListRoute.GET(call('GET', '/scim-groups'), { params: Promise.resolve({ orgId: organizationId }) });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ items: [{ id: groupId, displayName: 'Test SCIMv2', role: null, memberCount: 1 }] });

    const bound = await groupRoleRoute.PUT(call('PUT', `/scim-groups/${groupId}/role`, { role: 'admin' }), params);
    expect(bound.status).toBe(200);
    expect(await bound.json()).toMatchObject({ id: groupId, role: 'admin', memberCount: 1 });
    expect(await roleOf()).toBe('admin');
    const events = await db.select({ action: auditEvents.action, organizationId: auditEvents.organizationId }).from(auditEvents).where(eq(auditEvents.organizationId, organizationId));
    expect(events.map((event) => event.action)).toEqual(expect.arrayContaining(['scim-group.updated', 'member.role-changed']));

    const owner = await groupRoleRoute.PUT(call('PUT', `/scim-groups/${groupId}/role`, { role: 'owner' }), params);
    expect(owner.status).toBe(422);
    expect(await roleOf()).toBe('admin');

    const unbound = await groupRoleRoute.PUT(call('PUT', `/scim-groups/${groupId}/role`, { role: null }), params);
    expect(await unbound.json()).toMatchObject({ role: null });
    expect(await roleOf()).toBe('member');
    const unknown = await groupRoleRoute.PUT(call('PUT', `/scim-groups/${ada}/role`, { role: 'admin' }), { params: Promise.resolve({ orgId: organizationId, groupId: ada }) });
    expect(unknown.status).toBe(404);
  });
});
