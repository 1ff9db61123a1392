import { and, count, eq, ne } from 'drizzle-orm';
import { updateTag } from 'next/cache';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  addMemberAction,
  changeMemberRoleAction,
  createOrganizationAction,
  deleteOrganizationAction,
  removeMemberAction,
  updateOrganizationAction,
} from '../../app/(console)/organizations/actions';
import { inviteToOrganizationAction, revokeOrganizationInvitationAction } from '../../app/(console)/organizations/invitation-actions';
import { createOrganizationKeyAction, revokeOrganizationKeyAction } from '../../app/(console)/organizations/key-actions';
import { createScimConnectionAction, revokeScimConnectionAction, rotateScimTokenAction } from '../../app/(console)/organizations/scim-actions';
import * as membersExport from '../../app/api/console/organizations/[orgId]/members/export/route';
import { idleState, type ActionState } from '@/actions/action-state';
import { refreshOrganizationViewAction } from '@/actions/refresh-live-view';
import { getDatabase } from '@/db';
import { hashApiKeySecret } from '@/core/api-keys/secret';
import { apiKeys, auditEvents, invitations, mailOutbox, organizationMembers, organizations, scimConnections, scimTokens, type UserRow } from '@/db/schema';
import { formData, redirectTarget } from '../support/actions';
import { truncateAll } from '../support/database';
import { consoleRequestHeaders, insertUser, signInConsoleAs, type SignedInUser } from '../support/principals';

vi.mock('next/cache', () => ({ updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn() }));
// Actions read the session cookie through next/headers: each test signs someone in (an admin unless it says otherwise).
vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders() }));

const db = async () => (await getDatabase()).db;
let signedIn: SignedInUser;
let owner: UserRow;
let other: UserRow;

const organizationBySlug = async (slug: string) => (await (await db()).select().from(organizations).where(eq(organizations.slug, slug)))[0];
const rolesIn = async (organizationId: string) =>
  Object.fromEntries(
    (await (await db()).select().from(organizationMembers).where(eq(organizationMembers.organizationId, organizationId))).map((row) => [row.userId, row.role]),
  );
/** Everything a refused action must leave as it was: organizations, memberships and the event log (sign-ins aside). */
const state = async () => ({
  organizations: await (await db()).select().from(organizations).orderBy(organizations.id),
  members: await (await db()).select().from(organizationMembers).orderBy(organizationMembers.organizationId, organizationMembers.userId),
  events: (await (await db()).select({ n: count() }).from(auditEvents).where(ne(auditEvents.action, 'user.signed-in')))[0]!.n,
});

/** Creates an organization through the action, `owner` its first owner, and returns its row. */
async function createViaAction(slug: string, ownerReference: string = owner.email) {
  const target = await redirectTarget(() => createOrganizationAction(idleState, formData({ name: `Org ${slug}`, slug, owner: ownerReference })));
  const row = (await organizationBySlug(slug))!;
  expect(target).toBe(`/organizations/${row.id}?created=1`);
  return row;
}

beforeEach(async () => {
  await truncateAll(await db());
  owner = await insertUser(await db(), 'member', { email: 'founder@example.com' });
  other = await insertUser(await db(), 'member', { email: 'colleague@example.com' });
  signedIn = await signInConsoleAs('admin');
  vi.mocked(updateTag).mockClear();
});

describe('createOrganizationAction', () => {
  it('creates the organization with the named first owner (by email), expires the views and redirects to it', async () => {
    const row = await createViaAction('acme');

    expect(row).toMatchObject({ name: 'Org acme', slug: 'acme', version: 1 });
    expect(await rolesIn(row.id)).toEqual({ [owner.id]: 'owner' });
    expect(vi.mocked(updateTag).mock.calls.flat().sort()).toEqual(['organizations', `organization:${row.id}`, `user:${owner.id}`].sort());
    const events = await (await db()).select().from(auditEvents).where(eq(auditEvents.organizationId, row.id));
    expect(events.map((event) => [event.action, event.actor, event.door])).toEqual([
      ['organization.created', `user:${signedIn.userId}`, 'console'],
      ['member.added', `user:${signedIn.userId}`, 'console'],
    ]);
  });

  it('takes the owner by id too', async () => {
    const row = await createViaAction('by-id', owner.id);
    expect(await rolesIn(row.id)).toEqual({ [owner.id]: 'owner' });
  });

  it('puts an unknown owner, a bad slug or a taken slug beside its field, writing nothing', async () => {
    await createViaAction('taken');
    const before = await state();

    const unknown = await createOrganizationAction(idleState, formData({ name: 'Nobody', slug: 'nobody', owner: 'ghost@example.com' }));
    expect(unknown).toMatchObject({ status: 'error', fieldErrors: { owner: 'No user has this email' }, values: { owner: 'ghost@example.com' } });
    const badSlug = await createOrganizationAction(idleState, formData({ name: 'Bad', slug: 'Not a slug!', owner: owner.email }));
    expect(badSlug.fieldErrors).toEqual({ slug: expect.stringMatching(/^Slug may hold only/) });
    const taken = await createOrganizationAction(idleState, formData({ name: 'Again', slug: 'taken', owner: owner.email }));
    expect(taken.fieldErrors).toEqual({ slug: 'An organization with this slug already exists: choose another slug.' });

    expect(await state()).toEqual(before);
  });
});

describe('the organization page’s actions, as an admin', () => {
  it('edits the name and slug, bumping the version; a stale version is refused', async () => {
    const row = await createViaAction('edit-me');
    vi.mocked(updateTag).mockClear();

    const saved = await updateOrganizationAction(idleState, formData({ id: row.id, version: 1, name: 'Renamed', slug: 'renamed' }));
    expect(saved).toEqual({ status: 'success', message: 'Changes saved.' });
    expect(await organizationBySlug('renamed')).toMatchObject({ id: row.id, name: 'Renamed', version: 2 });
    expect(vi.mocked(updateTag).mock.calls.flat().sort()).toEqual(['organizations', `organization:${row.id}`].sort());

    const stale = await updateOrganizationAction(idleState, formData({ id: row.id, version: 1, name: 'Overwritten', slug: 'renamed' }));
    expect(stale).toMatchObject({ status: 'error', message: expect.stringMatching(/changed by someone else.*Reload the page/) });
    expect(await organizationBySlug('renamed')).toMatchObject({ name: 'Renamed', version: 2 });
  });

  it('adds an existing user by email with a role, changes the role, and removes them', async () => {
    const row = await createViaAction('team');
    const ids = { organizationId: row.id };

    expect(await addMemberAction(idleState, formData({ ...ids, user: 'Colleague@Example.com', role: 'admin' }))).toEqual({ status: 'success', message: 'Member added.' });
    expect(await rolesIn(row.id)).toEqual({ [owner.id]: 'owner', [other.id]: 'admin' });
    expect(updateTag).toHaveBeenCalledWith(`user:${other.id}`);

    expect(await changeMemberRoleAction(idleState, formData({ ...ids, userId: other.id, role: 'member' }))).toEqual({ status: 'success', message: 'Role changed.' });
    expect(await rolesIn(row.id)).toEqual({ [owner.id]: 'owner', [other.id]: 'member' });

    expect(await removeMemberAction(idleState, formData({ ...ids, userId: other.id }))).toEqual({ status: 'success', message: 'Member removed.' });
    expect(await rolesIn(row.id)).toEqual({ [owner.id]: 'owner' });

    const events = await (await db()).select().from(auditEvents).where(and(eq(auditEvents.organizationId, row.id), eq(auditEvents.subjectId, other.id)));
    expect(events.map((event) => event.action)).toEqual(['member.added', 'member.role-changed', 'member.removed']);
  });

  it('says beside the field when the user is unknown or already a member', async () => {
    const row = await createViaAction('twice');
    const unknown = await addMemberAction(idleState, formData({ organizationId: row.id, user: crypto.randomUUID(), role: 'member' }));
    expect(unknown.fieldErrors).toEqual({ user: 'No user has this id' });
    const again = await addMemberAction(idleState, formData({ organizationId: row.id, user: owner.email, role: 'member' }));
    expect(again.fieldErrors).toEqual({ user: 'This user is already a member of the organization: change their role instead.' });
    expect(await rolesIn(row.id)).toEqual({ [owner.id]: 'owner' });
  });

  it('shows the last-owner rule as a form error, and changes nothing', async () => {
    const row = await createViaAction('solo');
    const before = await state();

    const demoted = await changeMemberRoleAction(idleState, formData({ organizationId: row.id, userId: owner.id, role: 'admin' }));
    expect(demoted).toMatchObject({ status: 'error', message: expect.stringMatching(/last owner of the organization “Org solo”/), fieldErrors: { role: expect.stringMatching(/last owner/) } });
    const removed = await removeMemberAction(idleState, formData({ organizationId: row.id, userId: owner.id }));
    expect(removed).toMatchObject({ status: 'error', message: expect.stringMatching(/last owner/) });

    expect(await state()).toEqual(before);
  });

  it('deletes the organization with its memberships and goes back to the list', async () => {
    const row = await createViaAction('doomed');
    await addMemberAction(idleState, formData({ organizationId: row.id, user: other.email, role: 'member' }));

    expect(await redirectTarget(() => deleteOrganizationAction(idleState, formData({ id: row.id, version: 1 })))).toBe('/organizations?deleted=1');
    expect(await organizationBySlug('doomed')).toBeUndefined();
    expect(await rolesIn(row.id)).toEqual({});
  });

  it('says so when the organization is gone', async () => {
    const state = await addMemberAction(idleState, formData({ organizationId: crypto.randomUUID(), user: other.email, role: 'member' }));
    expect(state).toMatchObject({ status: 'error', message: 'Organization no longer exists; it may have been deleted.' });
  });
});

describe('who may', () => {
  /** Every write action, on an organization `owner` owns, `other` a member. */
  function everyAction(organizationId: string): [string, () => Promise<ActionState>][] {
    const ids = { organizationId };
    return [
      ['create', () => createOrganizationAction(idleState, formData({ name: 'Viewer made', slug: 'viewer-made', owner: owner.email }))],
      ['update', () => updateOrganizationAction(idleState, formData({ id: organizationId, version: 1, name: 'Hijacked', slug: 'hijacked' }))],
      ['add', () => addMemberAction(idleState, formData({ ...ids, user: signedIn.email, role: 'owner' }))],
      ['change', () => changeMemberRoleAction(idleState, formData({ ...ids, userId: other.id, role: 'owner' }))],
      ['remove', () => removeMemberAction(idleState, formData({ ...ids, userId: other.id }))],
      ['delete', () => deleteOrganizationAction(idleState, formData({ id: organizationId, version: 1 }))],
    ];
  }

  it('a viewer reads but may not write: every action is Not allowed, and nothing changes', async () => {
    const row = await createViaAction('guarded');
    await addMemberAction(idleState, formData({ organizationId: row.id, user: other.email, role: 'member' }));
    signedIn = await signInConsoleAs('viewer');
    vi.mocked(updateTag).mockClear();
    const before = await state();

    for (const [name, act] of everyAction(row.id)) {
      expect(await act(), name).toMatchObject({ status: 'error', message: expect.stringMatching(/^Not allowed: /) });
    }

    expect(await state()).toEqual(before);
    expect(updateTag).not.toHaveBeenCalled();
    // Reading live is still theirs.
    expect(await refreshOrganizationViewAction([row.id])).toEqual({ status: 'success' });
  });

  it('a member of the organization is no staff: the console refuses them too', async () => {
    const row = await createViaAction('members-only');
    signedIn = await signInConsoleAs('member', { email: 'insider@example.com' });
    await (await db()).insert(organizationMembers).values({ organizationId: row.id, userId: signedIn.userId, role: 'member' });
    const before = await state();

    for (const [name, act] of everyAction(row.id)) expect((await act()).status, name).toBe('error');

    expect(await state()).toEqual(before);
    expect(await refreshOrganizationViewAction([row.id])).toMatchObject({ status: 'error' });
  });
});

describe('the members export (/api/console/organizations/{orgId}/members/export)', () => {
  const download = (orgId: string, format: string, site = 'same-origin') =>
    membersExport.GET(new Request(`http://localhost:3000/api/console/organizations/${orgId}/members/export?format=${format}`, { headers: { 'sec-fetch-site': site } }), {
      params: Promise.resolve({ orgId }),
    });

  it('downloads the members as CSV or NDJSON for the signed-in staff, by session cookie, same-origin only', async () => {
    const row = await createViaAction('exported');
    signedIn = await signInConsoleAs('viewer');

    const csv = await download(row.id, 'csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [header, ...lines] = (await csv.text()).trim().split(/\r?\n/);
    expect(header).toBe('userId,email,name,role,createdAt,updatedAt');
    expect(lines).toEqual([expect.stringContaining(`${owner.id},${owner.email},`)]);

    const ndjson = await download(row.id, 'ndjson');
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect((await ndjson.text()).trim().split('\n').map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ userId: owner.id, role: 'owner' })]);

    expect((await download(row.id, 'csv', 'cross-site')).status).toBe(403);
    expect((await download('00000000-0000-4000-8000-000000000000', 'csv')).status).toBe(404);
  });
});

describe('the organization page’s invitations', () => {
  const invite = (organizationId: string, email: string, role = 'admin') => inviteToOrganizationAction(idleState, formData({ organizationId, email, role }));
  const invitationsOf = async (organizationId: string) => (await db()).select().from(invitations).where(eq(invitations.organizationId, organizationId));

  it('invites by email with a role: the invitation exists, its email is queued, the event names the organization', async () => {
    const row = await createViaAction('inviting');

    expect(await invite(row.id, 'New.Person@example.com')).toEqual({ status: 'success', message: 'Invited new.person@example.com. The link works once, for 7 days.' });

    const [invitation] = await invitationsOf(row.id);
    expect(invitation).toMatchObject({ email: 'new.person@example.com', organizationRole: 'admin', invitedBy: signedIn.userId, revokedAt: null });
    const mail = await (await db()).select().from(mailOutbox).where(eq(mailOutbox.recipient, 'new.person@example.com'));
    expect(mail.map((message) => message.kind)).toEqual(['invitation']);
    const [event] = await (await db()).select().from(auditEvents).where(eq(auditEvents.action, 'invitation.created'));
    expect(event).toMatchObject({ organizationId: row.id, door: 'console' });
    expect(vi.mocked(updateTag).mock.calls.flat()).toContain(`organization:${row.id}`);
  });

  it('puts a bad email beside its field, and refuses a viewer, writing nothing', async () => {
    const row = await createViaAction('refusing');
    const before = await state();

    expect((await invite(row.id, 'not an email')).fieldErrors).toEqual({ email: 'Enter a valid email address' });
    signedIn = await signInConsoleAs('viewer');
    expect(await invite(row.id, 'someone@example.com')).toMatchObject({ status: 'error' });

    expect(await invitationsOf(row.id)).toEqual([]);
    expect(await (await db()).select().from(mailOutbox)).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it('revokes a pending invitation, and not one of another organization', async () => {
    const row = await createViaAction('revoking');
    const elsewhere = await createViaAction('elsewhere');
    await invite(row.id, 'leaving@example.com');
    const [invitation] = await invitationsOf(row.id);

    const wrongOrganization = await revokeOrganizationInvitationAction(idleState, formData({ organizationId: elsewhere.id, id: invitation!.id }));
    expect(wrongOrganization).toMatchObject({ status: 'error', message: 'Invitation no longer exists; it may have been deleted.' });
    expect((await invitationsOf(row.id))[0]!.revokedAt).toBeNull();

    const revoked = await revokeOrganizationInvitationAction(idleState, formData({ organizationId: row.id, id: invitation!.id }));
    expect(revoked).toEqual({ status: 'success', message: 'Withdrew the invitation to leaving@example.com.' });
    expect((await invitationsOf(row.id))[0]!.revokedAt).toBeInstanceOf(Date);
  });
});

describe('the organization page’s API keys', () => {
  const keysOf = async (organizationId: string) => (await db()).select().from(apiKeys).where(eq(apiKeys.organizationId, organizationId));

  it('creates a key of the organization, shows its secret once and stores only its hash', async () => {
    const row = await createViaAction('keyed');

    const created = await createOrganizationKeyAction(idleState, formData({ organizationId: row.id, name: 'CRM', scopes: ['organizations:read', 'events:read'] }));

    expect(created).toMatchObject({ status: 'success', message: 'Created the API key “CRM”.', keyName: 'CRM', secret: expect.any(String) });
    const [key] = await keysOf(row.id);
    expect(key).toMatchObject({ name: 'CRM', scopes: ['organizations:read', 'events:read'], createdBy: signedIn.userId, revokedAt: null });
    expect(key!.secretHash).toBe(hashApiKeySecret(created.secret!));
    expect(JSON.stringify(key)).not.toContain(created.secret);
  });

  it('refuses scopes an organization key may not hold, and a viewer, writing nothing', async () => {
    const row = await createViaAction('unkeyed');

    const wrongScope = await createOrganizationKeyAction(idleState, formData({ organizationId: row.id, name: 'Too much', scopes: ['users:write'] }));
    expect(wrongScope).toMatchObject({ status: 'error', fieldErrors: { scopes: expect.stringMatching(/^Scopes must be among/) }, values: { scopes: 'users:write' } });
    expect(wrongScope.secret).toBeUndefined();
    signedIn = await signInConsoleAs('viewer');
    expect(await createOrganizationKeyAction(idleState, formData({ organizationId: row.id, name: 'Viewer', scopes: ['organizations:read'] }))).toMatchObject({ status: 'error' });

    expect(await keysOf(row.id)).toEqual([]);
  });

  it('revokes a key of the organization', async () => {
    const row = await createViaAction('revoked-key');
    await createOrganizationKeyAction(idleState, formData({ organizationId: row.id, name: 'Old', scopes: ['organizations:read'] }));
    const [key] = await keysOf(row.id);

    expect(await revokeOrganizationKeyAction(idleState, formData({ organizationId: row.id, id: key!.id, name: 'Old' }))).toEqual({ status: 'success', message: 'Revoked “Old”.' });
    expect((await keysOf(row.id))[0]!.revokedAt).toBeInstanceOf(Date);
  });
});

describe('the organization page’s SCIM provisioning', () => {
  const connectionsOf = async (organizationId: string) => (await db()).select().from(scimConnections).where(eq(scimConnections.organizationId, organizationId));
  const tokensOf = async (connectionId: string) => (await db()).select().from(scimTokens).where(eq(scimTokens.connectionId, connectionId)).orderBy(scimTokens.createdAt);

  it('makes a connection and shows its base URL and token once, storing only the hash; rotates; revokes', async () => {
    const row = await createViaAction('scim');

    const created = await createScimConnectionAction(idleState, formData({ organizationId: row.id, name: 'Okta', passwordSetup: 'invitation' }));
    expect(created).toMatchObject({ status: 'success', message: 'Created the SCIM connection “Okta”.', connectionName: 'Okta', token: expect.stringMatching(/^scim_/), baseUrl: expect.stringMatching(/\/api\/scim\/v2$/) });
    const [connection] = await connectionsOf(row.id);
    expect(connection).toMatchObject({ name: 'Okta', passwordSetup: 'invitation', createdBy: signedIn.userId, revokedAt: null });
    expect((await tokensOf(connection!.id))[0]!.secretHash).toBe(hashApiKeySecret(created.token!));
    expect(vi.mocked(updateTag)).toHaveBeenCalled();

    const rotated = await rotateScimTokenAction(idleState, formData({ organizationId: row.id, id: connection!.id, name: 'Okta' }));
    expect(rotated).toMatchObject({ status: 'success', message: 'New token for “Okta”.', secret: expect.stringMatching(/^scim_/) });
    const tokens = await tokensOf(connection!.id);
    expect(tokens.map((token) => token.secretHash)).toEqual([hashApiKeySecret(created.token!), hashApiKeySecret(rotated.secret!)]);
    expect(tokens[0]!.expiresAt).toBeInstanceOf(Date);

    expect(await revokeScimConnectionAction(idleState, formData({ organizationId: row.id, id: connection!.id, name: 'Okta' }))).toEqual({ status: 'success', message: 'Revoked “Okta”.' });
    expect((await connectionsOf(row.id))[0]!.revokedAt).toBeInstanceOf(Date);
    expect(await revokeScimConnectionAction(idleState, formData({ organizationId: row.id, id: connection!.id, name: 'Okta' }))).toMatchObject({ status: 'error', message: expect.stringMatching(/^This SCIM connection is already revoked\./) });
  });

  it('shows field errors, and refuses a viewer, writing nothing', async () => {
    const row = await createViaAction('scim-refused');
    const invalid = await createScimConnectionAction(idleState, formData({ organizationId: row.id, name: '', passwordSetup: 'carrier-pigeon' }));
    expect(invalid).toMatchObject({ status: 'error', fieldErrors: { name: 'Name is required', passwordSetup: expect.stringMatching(/^Password setup must be one of/) }, values: { name: '', passwordSetup: 'carrier-pigeon' } });
    expect(invalid.token).toBeUndefined();
    signedIn = await signInConsoleAs('viewer');
    expect(await createScimConnectionAction(idleState, formData({ organizationId: row.id, name: 'Okta' }))).toMatchObject({ status: 'error' });
    expect(await connectionsOf(row.id)).toEqual([]);
  });
});
