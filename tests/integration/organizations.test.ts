import { and, asc, count, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addMember, changeMemberRole, createOrganization, removeMember } from '@/core/organizations';
import { withOwnerInvariant } from '@/core/organizations/owners';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents, organizationMembers, organizations, users } from '@/db/schema';
import { describeEachDatabase, describeOnDatabase, truncateAll } from '../support/database';
import { callApi, seedOrganization } from '../support/organizations';
import { apiKeyFor, bearerFor, insertUser, systemPrincipal, type SignedInUser } from '../support/principals';
import type { Problem } from '../support/problem';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

let db: Database;
beforeEach(async () => {
  db = (await getDatabase()).db;
  await truncateAll(db);
});
afterEach(() => vi.unstubAllEnvs());

const as = (user: { headers: { authorization: string } }) => ({ headers: user.headers });

async function expectStatus(response: Response, status: number) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function expectProblem(response: Response, status: number, detail?: RegExp): Promise<Problem> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await expectStatus(response, status)) as unknown as Problem;
  expect(problem.status).toBe(status);
  if (detail) expect(problem.detail).toMatch(detail);
  return problem;
}

const membershipsOf = (organizationId: string) =>
  db
    .select({ userId: organizationMembers.userId, role: organizationMembers.role })
    .from(organizationMembers)
    .where(eq(organizationMembers.organizationId, organizationId))
    .orderBy(asc(organizationMembers.userId));
const eventCount = async () => (await db.select({ n: count() }).from(auditEvents))[0]!.n;
const eventsAbout = (organizationId: string) =>
  db.select({ type: auditEvents.action, subjectId: auditEvents.subjectId }).from(auditEvents).where(eq(auditEvents.organizationId, organizationId)).orderBy(asc(auditEvents.position));

describe('creating organizations', () => {
  it('an end user creates one and becomes its owner; /me lists it with their role; events carry its id', async () => {
    const alice = await bearerFor(db, 'member');
    const created = await expectStatus(await callApi('POST', '/api/v1/organizations', { json: { name: 'Acme', slug: 'Acme-Rockets', metadata: { tier: 'gold' } }, ...as(alice) }), 201);
    expect(created).toMatchObject({ name: 'Acme', slug: 'acme-rockets', metadata: { tier: 'gold' }, plan: 'free', version: 1 });
    const id = created.id as string;
    expect(await membershipsOf(id)).toEqual([{ userId: alice.userId, role: 'owner' }]);
    const me = await expectStatus(await callApi('GET', '/api/v1/me', as(alice)), 200);
    expect(me.organizations).toEqual([{ id, name: 'Acme', slug: 'acme-rockets', role: 'owner' }]);
    expect(await eventsAbout(id)).toEqual([
      { type: 'organization.created', subjectId: id },
      { type: 'member.added', subjectId: alice.userId },
    ]);
  });

  it('ROSTER_ORG_CREATION=staff: end users are refused; staff name the first owner with ownerId', async () => {
    vi.stubEnv('ROSTER_ORG_CREATION', 'staff');
    const alice = await bearerFor(db, 'member');
    const admin = await bearerFor(db, 'admin');
    await expectProblem(await callApi('POST', '/api/v1/organizations', { json: { name: 'Acme', slug: 'acme' }, ...as(alice) }), 403, /staff/);
    const problem = await expectProblem(await callApi('POST', '/api/v1/organizations', { json: { name: 'Acme', slug: 'acme' }, ...as(admin) }), 422);
    expect(problem.errors?.[0]?.pointer).toBe('/ownerId');
    expect(await db.select().from(organizations)).toEqual([]);
    const created = await expectStatus(await callApi('POST', '/api/v1/organizations', { json: { name: 'Acme', slug: 'acme', ownerId: alice.userId }, ...as(admin) }), 201);
    expect(await membershipsOf(created.id as string)).toEqual([{ userId: alice.userId, role: 'owner' }]);
  });

  it('an end user may not name another owner; a key needs organizations:write', async () => {
    const alice = await bearerFor(db, 'member');
    const bob = await insertUser(db, 'member');
    await expectProblem(await callApi('POST', '/api/v1/organizations', { json: { name: 'Acme', slug: 'acme', ownerId: bob.id }, ...as(alice) }), 403);
    const readKey = await apiKeyFor(db, ['organizations:read']);
    await expectProblem(await callApi('POST', '/api/v1/organizations', { json: { name: 'Acme', slug: 'acme', ownerId: bob.id }, ...as(readKey) }), 403);
    const writeKey = await apiKeyFor(db, ['organizations:write']);
    await expectStatus(await callApi('POST', '/api/v1/organizations', { json: { name: 'Acme', slug: 'acme', ownerId: bob.id }, ...as(writeKey) }), 201);
  });

  it('replays a POST with the same Idempotency-Key instead of creating twice', async () => {
    const alice = await bearerFor(db, 'member');
    const send = () => callApi('POST', '/api/v1/organizations', { json: { name: 'Acme', slug: 'acme' }, headers: { ...alice.headers, 'idempotency-key': 'org-once' } });
    const first = await expectStatus(await send(), 201);
    const again = await send();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await expectStatus(again, 201)).toEqual(first);
    expect(await db.select({ n: count() }).from(organizations)).toEqual([{ n: 1 }]);
  });
});

describe('bad input', () => {
  it('slug taken: 409 naming the slug field; invalid fields: 422; malformed JSON and queries: 400 — all problem+json', async () => {
    const alice = await bearerFor(db, 'member');
    await seedOrganization(db, 'acme', alice.userId);
    const taken = await expectProblem(await callApi('POST', '/api/v1/organizations', { json: { name: 'Other', slug: 'ACME' }, ...as(alice) }), 409, /slug already exists/);
    expect(taken.errors ?? [{ pointer: '/slug' }]).toEqual([expect.objectContaining({ pointer: '/slug' })]);
    const cases: [unknown, string][] = [
      [{ name: 'X', slug: 'not a slug!' }, '/slug'],
      [{ name: 'X', slug: 'ok-slug', metadata: { blob: 'x'.repeat(9000) } }, '/metadata'],
      [{ name: 'X', slug: 'ok-slug', metadata: { bad: 'nul\u0000' } }, '/metadata'],
      [{ name: 'X', slug: 'ok-slug', plan: 'enterprise' }, '/plan'],
      [{ name: '', slug: 'ok-slug' }, '/name'],
    ];
    for (const [json, pointer] of cases) {
      const problem = await expectProblem(await callApi('POST', '/api/v1/organizations', { json, ...as(alice) }), 422);
      expect(problem.errors?.map((error) => error.pointer)).toContain(pointer);
    }
    await expectProblem(await callApi('POST', '/api/v1/organizations', { body: '{"name":', ...as(alice) }), 400);
    await expectProblem(await callApi('GET', '/api/v1/organizations?limit=0', as(alice)), 400);
    await expectProblem(await callApi('GET', '/api/v1/organizations?cursor=forged', as(alice)), 400);
    expect(await db.select({ n: count() }).from(organizations)).toEqual([{ n: 1 }]);
  });
});

describe('reading organizations', () => {
  it('staff list every organization and search by name or slug; end users list only their own, in keyset pages', async () => {
    const alice = await bearerFor(db, 'member');
    const bob = await insertUser(db, 'member');
    const acme = await seedOrganization(db, 'acme', alice.userId);
    const globex = await seedOrganization(db, 'globex', alice.userId);
    const initech = await seedOrganization(db, 'initech', bob.id);
    const viewer = await bearerFor(db, 'viewer');
    const all = await expectStatus(await callApi('GET', '/api/v1/organizations', as(viewer)), 200);
    expect((all.items as { id: string }[]).map((item) => item.id)).toEqual([initech.id, globex.id, acme.id]);
    const found = await expectStatus(await callApi('GET', '/api/v1/organizations?q=LOBE', as(viewer)), 200);
    expect((found.items as { id: string }[]).map((item) => item.id)).toEqual([globex.id]);
    const first = await expectStatus(await callApi('GET', '/api/v1/organizations?limit=1', as(alice)), 200);
    expect((first.items as { id: string }[]).map((item) => item.id)).toEqual([globex.id]);
    const second = await expectStatus(await callApi('GET', `/api/v1/organizations?limit=1&cursor=${first.nextCursor as string}`, as(alice)), 200);
    expect(second).toEqual({ items: [expect.objectContaining({ id: acme.id })], nextCursor: null });
    await expectProblem(await callApi('GET', `/api/v1/organizations/${initech.id}`, as(alice)), 404);
    await expectStatus(await callApi('GET', `/api/v1/organizations/${initech.id}`, as(viewer)), 200);
    // Staff belong to no organization: one that doesn't exist is a 404 for them too, not an empty page.
    const unknown = '01936f90-0000-7000-8000-000000000000';
    await expectProblem(await callApi('GET', `/api/v1/organizations/${unknown}/members`, as(viewer)), 404);
    await expectProblem(await callApi('GET', `/api/v1/organizations/${unknown}`, as(viewer)), 404);
    await expectProblem(await callApi('GET', '/api/v1/organizations/not-an-id', as(viewer)), 404);
  });

  it('lists members oldest first with their email and name, in keyset pages', async () => {
    const alice = await bearerFor(db, 'member', { name: 'Alice' });
    const bob = await insertUser(db, 'member', { name: 'Bob' });
    const acme = await seedOrganization(db, 'acme', alice.userId, { [bob.id]: 'member' });
    const page = await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/members?limit=1`, as(alice)), 200);
    expect(page.items).toEqual([expect.objectContaining({ organizationId: acme.id, userId: alice.userId, email: alice.email, name: 'Alice', role: 'owner' })]);
    const next = await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/members?cursor=${page.nextCursor as string}`, as(alice)), 200);
    expect(next).toEqual({ items: [expect.objectContaining({ userId: bob.id, email: bob.email, name: 'Bob', role: 'member' })], nextCursor: null });
  });
});

describe('the tenant comes from the path', () => {
  it('PATCH or DELETE /organizations/A/members/{id} with a member of B is a 404 and changes nothing', async () => {
    const ownerA = await bearerFor(db, 'member');
    const ownerB = await insertUser(db, 'member');
    const memberB = await insertUser(db, 'member');
    const a = await seedOrganization(db, 'org-a', ownerA.userId);
    const b = await seedOrganization(db, 'org-b', ownerB.id, { [memberB.id]: 'member' });
    const before = { a: await membershipsOf(a.id), b: await membershipsOf(b.id), events: await eventCount() };
    await expectProblem(await callApi('PATCH', `/api/v1/organizations/${a.id}/members/${memberB.id}`, { json: { role: 'admin' }, ...as(ownerA) }), 404);
    await expectProblem(await callApi('DELETE', `/api/v1/organizations/${a.id}/members/${memberB.id}`, as(ownerA)), 404);
    await expectProblem(await callApi('PATCH', `/api/v1/organizations/${b.id}/members/${memberB.id}`, { json: { role: 'admin' }, ...as(ownerA) }), 404);
    await expectProblem(await callApi('GET', `/api/v1/organizations/${b.id}/members`, as(ownerA)), 404);
    expect({ a: await membershipsOf(a.id), b: await membershipsOf(b.id), events: await eventCount() }).toEqual(before);
  });
});

describe('roles inside an organization', () => {
  async function acmeWithRoles() {
    const owner = await bearerFor(db, 'member');
    const admin = await bearerFor(db, 'member');
    const member = await bearerFor(db, 'member');
    const outsider = await insertUser(db, 'member');
    const acme = await seedOrganization(db, 'acme', owner.userId, { [admin.userId]: 'admin', [member.userId]: 'member' });
    return { owner, admin, member, outsider, acme };
  }

  it('admins manage the organization and members, but neither delete it nor touch owners', async () => {
    const { owner, admin, member, outsider, acme } = await acmeWithRoles();
    const patched = await callApi('PATCH', `/api/v1/organizations/${acme.id}`, { json: { name: 'Acme Inc.' }, headers: { ...admin.headers, 'if-match': '"1"' } });
    expect(patched.headers.get('etag')).toBe('"2"');
    expect(await expectStatus(patched, 200)).toMatchObject({ name: 'Acme Inc.', version: 2 });
    await expectStatus(await callApi('POST', `/api/v1/organizations/${acme.id}/members`, { json: { userId: outsider.id }, ...as(admin) }), 201);
    await expectStatus(await callApi('PATCH', `/api/v1/organizations/${acme.id}/members/${outsider.id}`, { json: { role: 'admin' }, ...as(admin) }), 200);
    const before = { members: await membershipsOf(acme.id), events: await eventCount() };
    await expectProblem(await callApi('PATCH', `/api/v1/organizations/${acme.id}/members/${member.userId}`, { json: { role: 'owner' }, ...as(admin) }), 403, /owner/);
    await expectProblem(await callApi('PATCH', `/api/v1/organizations/${acme.id}/members/${owner.userId}`, { json: { role: 'member' }, ...as(admin) }), 403);
    await expectProblem(await callApi('DELETE', `/api/v1/organizations/${acme.id}/members/${owner.userId}`, as(admin)), 403);
    await expectProblem(await callApi('DELETE', `/api/v1/organizations/${acme.id}`, as(admin)), 403);
    expect({ members: await membershipsOf(acme.id), events: await eventCount() }).toEqual(before);
  });

  it('members read the organization and its members, and change nothing but their own membership', async () => {
    const { admin, member, acme } = await acmeWithRoles();
    await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}`, as(member)), 200);
    await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/members`, as(member)), 200);
    const before = { members: await membershipsOf(acme.id), events: await eventCount() };
    await expectProblem(await callApi('PATCH', `/api/v1/organizations/${acme.id}`, { json: { name: 'Mine' }, ...as(member) }), 403);
    await expectProblem(await callApi('DELETE', `/api/v1/organizations/${acme.id}/members/${admin.userId}`, as(member)), 403);
    expect({ members: await membershipsOf(acme.id), events: await eventCount() }).toEqual(before);
    await expectStatus(await callApi('DELETE', `/api/v1/organizations/${acme.id}/members/${member.userId}`, as(member)), 204);
    await expectProblem(await callApi('GET', `/api/v1/organizations/${acme.id}`, as(member)), 404);
  });

  it('an owner deletes the organization: its memberships go with it, in one transaction, with events', async () => {
    const { owner, admin, member, acme } = await acmeWithRoles();
    await expectProblem(await callApi('DELETE', `/api/v1/organizations/${acme.id}`, { headers: { ...owner.headers, 'if-match': '"7"' } }), 412);
    await expectStatus(await callApi('DELETE', `/api/v1/organizations/${acme.id}`, as(owner)), 204);
    expect(await db.select().from(organizations)).toEqual([]);
    expect(await membershipsOf(acme.id)).toEqual([]);
    const events = await eventsAbout(acme.id);
    expect(events.slice(-4).map((event) => event.type)).toEqual(['member.removed', 'member.removed', 'member.removed', 'organization.deleted']);
    expect(new Set(events.slice(-4, -1).map((event) => event.subjectId))).toEqual(new Set([owner.userId, admin.userId, member.userId]));
  });
});

describe('every organization keeps an owner', () => {
  let owner: SignedInUser;
  let acmeId: string;
  beforeEach(async () => {
    owner = await bearerFor(db, 'member');
    acmeId = (await seedOrganization(db, 'acme', owner.userId)).id;
  });

  it('the last owner can neither leave, be demoted, be removed by staff, nor be deleted: 409s that say why', async () => {
    const staff = await bearerFor(db, 'owner');
    const before = { members: await membershipsOf(acmeId), events: await eventCount() };
    await expectProblem(await callApi('DELETE', `/api/v1/organizations/${acmeId}/members/${owner.userId}`, as(owner)), 409, /You are the last owner of the organization “Org acme” \(acme\)/);
    await expectProblem(await callApi('PATCH', `/api/v1/organizations/${acmeId}/members/${owner.userId}`, { json: { role: 'admin' }, ...as(owner) }), 409, /last owner/);
    await expectProblem(await callApi('DELETE', `/api/v1/organizations/${acmeId}/members/${owner.userId}`, as(staff)), 409, /last owner/);
    await expectProblem(await callApi('DELETE', `/api/v1/users/${owner.userId}`, as(staff)), 409, /This user is the last owner of the organization “Org acme”/);
    expect({ members: await membershipsOf(acmeId), events: await eventCount() }).toEqual(before);
    expect(await db.select({ id: users.id }).from(users).where(eq(users.id, owner.userId))).toHaveLength(1);
  });

  it('with a second owner, one may leave; deleting a user removes their memberships with events', async () => {
    const second = await bearerFor(db, 'member');
    const member = await insertUser(db, 'member');
    await addMember({ db, principal: systemPrincipal() }, acmeId, { userId: second.userId, role: 'owner' });
    await addMember({ db, principal: systemPrincipal() }, acmeId, { userId: member.id, role: 'member' });
    await expectStatus(await callApi('DELETE', `/api/v1/organizations/${acmeId}/members/${owner.userId}`, as(owner)), 204);
    const staff = await bearerFor(db, 'admin');
    await expectStatus(await callApi('DELETE', `/api/v1/users/${member.id}`, as(staff)), 204);
    expect(await membershipsOf(acmeId)).toEqual([{ userId: second.userId, role: 'owner' }]);
    expect((await eventsAbout(acmeId)).slice(-2)).toEqual([
      { type: 'member.removed', subjectId: owner.userId },
      { type: 'member.removed', subjectId: member.id },
    ]);
  });
});

describe('events about organizations', () => {
  it('carry organizationId, and the audit API filters on it', async () => {
    const alice = await bearerFor(db, 'member');
    const a = await seedOrganization(db, 'org-a', alice.userId);
    const b = await seedOrganization(db, 'org-b', alice.userId);
    await callApi('PATCH', `/api/v1/organizations/${b.id}`, { json: { metadata: { seats: 5 } }, ...as(alice) });
    const admin = await bearerFor(db, 'admin');
    const page = await expectStatus(await callApi('GET', `/api/v1/audit-events?organizationId=${b.id}`, as(admin)), 200);
    const items = page.items as { type: string; organizationId: string }[];
    expect(items.map((event) => event.type)).toEqual(['organization.updated', 'member.added', 'organization.created']);
    expect(items.every((event) => event.organizationId === b.id)).toBe(true);
    expect(await eventsAbout(a.id)).toHaveLength(2);
    await expectProblem(await callApi('GET', '/api/v1/audit-events?organizationId=nope', as(admin)), 400);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The invariant in the database itself, whatever writes to it.
// ---------------------------------------------------------------------------------------------------------------

async function ownedOrganization(database: Database, owners: number) {
  const people = await Promise.all(Array.from({ length: owners }, () => insertUser(database, 'member')));
  const ctx = { db: database, principal: systemPrincipal() };
  const organization = await createOrganization(ctx, { name: 'Acme', slug: 'acme', ownerId: people[0]!.id }, 'open');
  for (const person of people.slice(1)) await addMember(ctx, organization.id, { userId: person.id, role: 'owner' });
  return { organization, owners: people.map((person) => person.id) };
}

describeEachDatabase('the database refuses to leave an organization without an owner', (database) => {
  it('refuses a direct SQL demotion or removal of the last owner, and lets the organization itself go', async () => {
    const { organization, owners } = await ownedOrganization(database(), 1);
    const demote = sql`UPDATE organization_members SET role = 'admin' WHERE organization_id = ${organization.id} AND user_id = ${owners[0]}`;
    await expect(database().execute(demote)).rejects.toThrow();
    await expect(database().execute(sql`DELETE FROM organization_members WHERE organization_id = ${organization.id}`)).rejects.toThrow();
    await expect(database().execute(sql`DELETE FROM users WHERE id = ${owners[0]}`)).rejects.toThrow();
    const left = await database().select({ role: organizationMembers.role }).from(organizationMembers).where(eq(organizationMembers.organizationId, organization.id));
    expect(left).toEqual([{ role: 'owner' }]);
    await database().delete(organizations).where(eq(organizations.id, organization.id));
    expect(await database().select().from(organizationMembers)).toEqual([]);
  });

  it('maps the trigger’s refusal to a 409 Conflict when the core’s own check is bypassed', async () => {
    const { organization, owners } = await ownedOrganization(database(), 1);
    const bypass = () =>
      database().transaction(async (tx) => {
        await tx.execute(sql`UPDATE organization_members SET role = 'admin' WHERE organization_id = ${organization.id} AND user_id = ${owners[0]}`);
      });
    await expect(bypass()).rejects.toMatchObject({ cause: expect.objectContaining({ constraint: 'organization_members_last_owner' }) });
    await expect(withOwnerInvariant(bypass)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/at least one owner/) });
  });
});

describeOnDatabase('postgres', 'two concurrent demotions of the last two owners', (database) => {
  const ownersLeft = async (organizationId: string) =>
    (await database().select({ n: count() }).from(organizationMembers).where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.role, 'owner'))))[0]!.n;

  it('exactly one wins, with both transactions open at once on two connections', async () => {
    const { organization, owners } = await ownedOrganization(database(), 2);
    const url = (database() as unknown as { $client: pg.Pool }).$client.options.connectionString;
    const [first, second] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all([first.connect(), second.connect()]);
    try {
      await Promise.all([first.query('BEGIN'), second.query('BEGIN')]);
      const demote = (client: pg.Client, userId: string) =>
        client.query("UPDATE organization_members SET role = 'admin' WHERE organization_id = $1 AND user_id = $2", [organization.id, userId]);
      await demote(first, owners[0]!);
      const secondPid = (await second.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const blocked = demote(second, owners[1]!).then(
        () => 'won',
        (error: { constraint?: string }) => error.constraint,
      );
      // The second waits on the organization's row lock the first holds (polled, not timed).
      for (;;) {
        const { rows } = await first.query<{ waiting: boolean }>("SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1", [secondPid]);
        if (rows[0]?.waiting) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await first.query('COMMIT');
      expect(await blocked).toBe('organization_members_last_owner');
      await second.query('ROLLBACK');
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
    expect(await ownersLeft(organization.id)).toBe(1);
  });

  it('through the core, two owners demoting and removing each other at once: one succeeds, the other is a Conflict', async () => {
    const { organization, owners } = await ownedOrganization(database(), 2);
    const as = (userId: string) => ({ db: database(), principal: { kind: 'user' as const, door: 'api' as const, userId, role: 'member' as const } });
    const results = await Promise.allSettled([
      changeMemberRole(as(owners[0]!), organization.id, owners[1]!, { role: 'member' }),
      removeMember(as(owners[1]!), organization.id, owners[0]!),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const [refused] = results.filter((result) => result.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' });
    expect(await ownersLeft(organization.id)).toBe(1);
  });
});
