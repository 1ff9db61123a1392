import { and, asc, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { expect, it } from 'vitest';
import { authenticateApiKey, createOrganizationApiKey } from '@/core/api-keys';
import { changeMemberRole, membershipsAllowSignIn } from '@/core/organizations';
import { ScimError } from '@/core/scim/errors';
import { createScimGroup, listScimGroups, setScimGroupRole, updateScimGroup } from '@/core/scim/groups';
import type { ScimUserAttributes } from '@/core/scim/users';
import type { ScimScope } from '@/core/scim/scope';
import { createScimUser, deleteScimUser, getScimUser, listScimUsers, updateScimUser } from '@/core/scim/users';
import { accounts, auditEvents, mailOutbox, organizationMembers, scimUsers, sessions, users } from '@/db/schema';
import { describeEachDatabase } from '../support/database';
import { seedOrganization } from '../support/organizations';
import { insertUser, systemPrincipal } from '../support/principals';

const attributes = (userName: string, extra: Partial<ScimUserAttributes> = {}): ScimUserAttributes => ({
  userName,
  externalId: null,
  givenName: 'Ada',
  familyName: 'Lovelace',
  displayName: null,
  email: userName,
  active: undefined,
  employeeNumber: null,
  department: null,
  managerId: null,
  ...extra,
});

async function scimError(promise: Promise<unknown>): Promise<ScimError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ScimError);
  return error as ScimError;
}

describeEachDatabase('SCIM core: users and groups', (db) => {
  async function organization(slug: string, passwordSetup: ScimScope['passwordSetup'] = 'none'): Promise<ScimScope> {
    const owner = await insertUser(db(), 'member');
    const org = await seedOrganization(db(), slug, owner.id);
    return { organizationId: org.id, connectionId: uuidv7(), passwordSetup };
  }

  it('creates a verified member with the scim door; a user who already exists is linked, not duplicated', async () => {
    const scope = await organization('acme');
    const created = await createScimUser(db(), scope, attributes('Ada@Example.com', { externalId: 'okta-1', department: 'R&D' }));
    expect(created).toMatchObject({ userName: 'Ada@Example.com', email: 'ada@example.com', active: true, version: 1, department: 'R&D' });
    const [user] = await db().select().from(users).where(eq(users.id, created.id));
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace', emailVerified: true, role: 'member' });
    const doors = await db().select({ door: auditEvents.door, action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.organizationId, scope.organizationId));
    expect(doors.filter((event) => event.door === 'scim').map((event) => event.action)).toEqual(['user.created', 'member.added']);

    const existing = await insertUser(db(), 'member', { email: 'grace@example.com' });
    const linked = await createScimUser(db(), scope, attributes('grace@example.com'));
    expect(linked.id).toBe(existing.id);
    expect(await db().select().from(users).where(eq(users.email, 'grace@example.com'))).toHaveLength(1);
  });

  it('linking an account whose address nobody confirmed takes its password and sessions away first', async () => {
    const scope = await organization('acme');
    const squatter = await insertUser(db(), 'member', { email: 'ceo@example.com', password: true });
    await db().update(users).set({ emailVerified: false }).where(eq(users.id, squatter.id));
    await db().insert(sessions).values({ id: uuidv7(), token: uuidv7(), userId: squatter.id, expiresAt: new Date(Date.now() + 3600_000) });
    const linked = await createScimUser(db(), scope, attributes('ceo@example.com'));
    expect(linked.id).toBe(squatter.id);
    expect(await db().select().from(accounts).where(eq(accounts.userId, squatter.id))).toEqual([]);
    expect(await db().select().from(sessions).where(eq(sessions.userId, squatter.id))).toEqual([]);
    expect((await db().select({ verified: users.emailVerified }).from(users).where(eq(users.id, squatter.id)))[0]!.verified).toBe(true);
  });

  it('refuses a duplicate userName (any case) or externalId with 409 uniqueness, and one org never sees another’s users', async () => {
    const scope = await organization('acme');
    const other = await organization('globex');
    const ada = await createScimUser(db(), scope, attributes('ada@example.com', { externalId: 'x1' }));
    expect(await scimError(createScimUser(db(), scope, attributes('ADA@example.com')))).toMatchObject({ status: 409, scimType: 'uniqueness' });
    expect(await scimError(createScimUser(db(), scope, attributes('bob@example.com', { externalId: 'x1' })))).toMatchObject({ status: 409, scimType: 'uniqueness' });
    expect(await scimError(getScimUser(db(), other, ada.id))).toMatchObject({ status: 404 });
    expect(await scimError(updateScimUser(db(), other, ada.id, (current) => current))).toMatchObject({ status: 404 });
    expect(await scimError(deleteScimUser(db(), other, ada.id))).toMatchObject({ status: 404 });
    expect((await listScimUsers(db(), other, null, { startIndex: 1, count: 10 })).totalResults).toBe(0);
  });

  it('filters on userName case-insensitively, emails, externalId, with and/or, and pages 1-based', async () => {
    const scope = await organization('acme');
    for (const name of ['a', 'b', 'c']) await createScimUser(db(), scope, attributes(`${name}@example.com`, { externalId: `ext-${name}` }));
    const byName = await listScimUsers(db(), scope, { kind: 'compare', attribute: 'userName', operator: 'eq', value: 'B@EXAMPLE.COM' }, { startIndex: 1, count: 10 });
    expect(byName.resources.map((user) => user.userName)).toEqual(['b@example.com']);
    const either = await listScimUsers(
      db(),
      scope,
      {
        kind: 'or',
        left: { kind: 'compare', attribute: 'externalId', operator: 'eq', value: 'ext-a' },
        right: { kind: 'compare', attribute: 'emails.value', operator: 'eq', value: 'c@example.com', emailType: 'work' },
      },
      { startIndex: 1, count: 10 },
    );
    expect(either.resources.map((user) => user.userName)).toEqual(['a@example.com', 'c@example.com']);
    const page = await listScimUsers(db(), scope, { kind: 'compare', attribute: 'userName', operator: 'sw', value: '' }, { startIndex: 2, count: 1 });
    expect(page).toMatchObject({ totalResults: 3, resources: [{ userName: 'b@example.com' }] });
  });

  it('active:false suspends the membership, ends sessions and refuses sign-in; active:true restores; omitted active changes nothing', async () => {
    const scope = await organization('acme');
    const ada = await createScimUser(db(), scope, attributes('ada@example.com'));
    await db().insert(sessions).values({ id: uuidv7(), token: uuidv7(), userId: ada.id, expiresAt: new Date(Date.now() + 3600_000) });
    const suspended = await updateScimUser(db(), scope, ada.id, (current) => ({ ...current, active: false }));
    expect(suspended).toMatchObject({ active: false, version: 2 });
    expect(await db().select().from(sessions).where(eq(sessions.userId, ada.id))).toEqual([]);
    expect(await membershipsAllowSignIn(db(), ada.id, 'member')).toBe(false);
    const untouched = await updateScimUser(db(), scope, ada.id, (current) => ({ ...current, active: undefined, department: 'Ops' }));
    expect(untouched).toMatchObject({ active: false, department: 'Ops' });
    const restored = await updateScimUser(db(), scope, ada.id, (current) => ({ ...current, active: true }));
    expect(restored.active).toBe(true);
    expect(await membershipsAllowSignIn(db(), ada.id, 'member')).toBe(true);
    const actions = await db().select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.subjectId, ada.id)).orderBy(asc(auditEvents.position));
    expect(actions.map((event) => event.action)).toContain('member.suspended');
    expect(actions.map((event) => event.action)).toContain('member.restored');
  });

  it('If-Match: a stale version is 412 and changes nothing', async () => {
    const scope = await organization('acme');
    const ada = await createScimUser(db(), scope, attributes('ada@example.com'));
    expect(await scimError(updateScimUser(db(), scope, ada.id, (current) => ({ ...current, department: 'X' }), { expectedVersion: 7 }))).toMatchObject({ status: 412 });
    expect((await getScimUser(db(), scope, ada.id)).department).toBeNull();
  });

  it('delete removes the membership; the user goes only when nothing else holds them', async () => {
    const scope = await organization('acme');
    const other = await organization('globex');
    const ada = await createScimUser(db(), scope, attributes('ada@example.com'));
    const bob = await createScimUser(db(), scope, attributes('bob@example.com'));
    await createScimUser(db(), other, attributes('bob@example.com'));
    await deleteScimUser(db(), scope, ada.id);
    expect(await db().select().from(users).where(eq(users.id, ada.id))).toEqual([]);
    await deleteScimUser(db(), scope, bob.id);
    expect(await db().select({ id: users.id }).from(users).where(eq(users.id, bob.id))).toEqual([{ id: bob.id }]);
    const memberships = await db().select().from(organizationMembers).where(eq(organizationMembers.userId, bob.id));
    expect(memberships.map((row) => row.organizationId)).toEqual([other.organizationId]);
    expect(await db().select().from(scimUsers).where(and(eq(scimUsers.organizationId, scope.organizationId), eq(scimUsers.userId, bob.id)))).toEqual([]);
  });

  it('a connection with invitation password setup emails a set-password link to a new user', async () => {
    const scope = await organization('acme', 'invitation');
    await createScimUser(db(), scope, attributes('ada@example.com'));
    const mail = await db().select({ kind: mailOutbox.kind, to: mailOutbox.recipient }).from(mailOutbox);
    expect(mail).toEqual([{ kind: 'password-reset', to: 'ada@example.com' }]);
  });

  it('groups: create, duplicate name, members add/remove, a group bound to admin raises its members’ role and gives it back', async () => {
    const scope = await organization('acme');
    const ada = await createScimUser(db(), scope, attributes('ada@example.com'));
    const bob = await createScimUser(db(), scope, attributes('bob@example.com'));
    const group = await createScimGroup(db(), scope, { displayName: 'Admins', externalId: null, memberIds: [ada.id] });
    expect(group.members).toEqual([{ id: ada.id, display: 'ada@example.com' }]);
    expect(await scimError(createScimGroup(db(), scope, { displayName: 'admins', externalId: null, memberIds: [] }))).toMatchObject({ status: 409, scimType: 'uniqueness' });
    expect(await scimError(createScimGroup(db(), scope, { displayName: 'Other', externalId: null, memberIds: [uuidv7()] }))).toMatchObject({ status: 400, scimType: 'invalidValue' });

    await setScimGroupRole({ db: db(), principal: systemPrincipal() }, scope.organizationId, group.id, { role: 'admin' });
    const roleOf = async (userId: string) =>
      (await db().select({ role: organizationMembers.role }).from(organizationMembers).where(and(eq(organizationMembers.organizationId, scope.organizationId), eq(organizationMembers.userId, userId))))[0]!.role;
    expect(await roleOf(ada.id)).toBe('admin');
    const renamed = await updateScimGroup(db(), scope, group.id, () => ({ displayName: 'Platform admins', externalId: null, memberChanges: [{ op: 'add', userIds: [bob.id] }, { op: 'remove', userIds: [ada.id] }] }));
    expect(renamed).toMatchObject({ displayName: 'Platform admins', version: 3, members: [{ id: bob.id }] });
    expect(await roleOf(ada.id)).toBe('member');
    expect(await roleOf(bob.id)).toBe('admin');
    const byMember = await listScimGroups(db(), scope, { kind: 'compare', attribute: 'members.value', operator: 'eq', value: bob.id }, { startIndex: 1, count: 10 }, { excludeMembers: true });
    expect(byMember).toMatchObject({ totalResults: 1, resources: [{ displayName: 'Platform admins' }] });
    expect(byMember.resources[0]).not.toHaveProperty('members');
  });

  it('user.updated from SCIM carries the organization, as its member events do', async () => {
    const scope = await organization('acme');
    const ada = await createScimUser(db(), scope, attributes('ada@example.com'));
    await updateScimUser(db(), scope, ada.id, (current) => ({ ...current, givenName: 'Augusta' }));
    const [updated] = await db().select({ organizationId: auditEvents.organizationId, door: auditEvents.door }).from(auditEvents).where(and(eq(auditEvents.subjectId, ada.id), eq(auditEvents.action, 'user.updated')));
    expect(updated).toEqual({ organizationId: scope.organizationId, door: 'scim' });
  });

  it("a suspended member's organization API keys stop working at once, and work again when restored", async () => {
    const scope = await organization('acme');
    const ada = await createScimUser(db(), scope, attributes('ada@example.com'));
    await changeMemberRole({ db: db(), principal: systemPrincipal() }, scope.organizationId, ada.id, { role: 'admin' });
    const adaPrincipal = { kind: 'user', door: 'api', userId: ada.id, role: 'member' } as const;
    const { secret } = await createOrganizationApiKey({ db: db(), principal: adaPrincipal }, scope.organizationId, { name: 'ada', scopes: ['organizations:write'] });
    expect(await authenticateApiKey(db(), secret, 'api')).toMatchObject({ kind: 'apiKey', organizationId: scope.organizationId });
    await updateScimUser(db(), scope, ada.id, (current) => ({ ...current, active: false }));
    expect(await authenticateApiKey(db(), secret, 'api')).toBeNull();
    await updateScimUser(db(), scope, ada.id, (current) => ({ ...current, active: true }));
    expect(await authenticateApiKey(db(), secret, 'api')).not.toBeNull();
  });

  it('a console or API role change of a group-managed member sets their own role; the effective one is max(own, groups) at once', async () => {
    const scope = await organization('acme');
    const ctx = { db: db(), principal: systemPrincipal() };
    const ada = await createScimUser(db(), scope, attributes('ada@example.com'));
    const group = await createScimGroup(db(), scope, { displayName: 'Members', externalId: null, memberIds: [ada.id] });
    await setScimGroupRole(ctx, scope.organizationId, group.id, { role: 'member' });
    const roleOf = async () =>
      (await db().select({ role: organizationMembers.role, own: scimUsers.ownRole }).from(organizationMembers).innerJoin(scimUsers, and(eq(scimUsers.organizationId, organizationMembers.organizationId), eq(scimUsers.userId, organizationMembers.userId))).where(and(eq(organizationMembers.organizationId, scope.organizationId), eq(organizationMembers.userId, ada.id))))[0];

    // Promoted in the console: their own role is admin, so the group's change keeps them admin.
    expect(await changeMemberRole(ctx, scope.organizationId, ada.id, { role: 'admin' })).toMatchObject({ role: 'admin' });
    expect(await roleOf()).toEqual({ role: 'admin', own: 'admin' });
    await updateScimGroup(db(), scope, group.id, () => ({ displayName: 'Members', externalId: null, memberChanges: [{ op: 'remove', userIds: [ada.id] }] }));
    expect(await roleOf()).toEqual({ role: 'admin', own: 'admin' });

    // In a group bound to admin, a demotion in the console lowers their own role; the group still makes them admin…
    await setScimGroupRole(ctx, scope.organizationId, group.id, { role: 'admin' });
    await updateScimGroup(db(), scope, group.id, () => ({ displayName: 'Members', externalId: null, memberChanges: [{ op: 'add', userIds: [ada.id] }] }));
    expect(await changeMemberRole(ctx, scope.organizationId, ada.id, { role: 'member' })).toMatchObject({ role: 'admin' });
    expect(await roleOf()).toEqual({ role: 'admin', own: 'member' });
    // …until they leave it: then they are a member, at once.
    await updateScimGroup(db(), scope, group.id, () => ({ displayName: 'Members', externalId: null, memberChanges: [{ op: 'remove', userIds: [ada.id] }] }));
    expect(await roleOf()).toEqual({ role: 'member', own: 'member' });
    const actions = await db().select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.subjectId, ada.id)).orderBy(asc(auditEvents.position));
    expect(actions.map((event) => event.action)).toContain('member.updated');
  });
});
