import { and, asc, eq, sql } from 'drizzle-orm';
import type { ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Conflict, Forbidden, NotFound } from '@/core/errors';
import {
  acceptInvitation,
  createOrganizationInvitation,
  inspectInvitationLink,
  InvitationUnusable,
  joinByInvitation,
  listOrganizationInvitations,
  revokeOrganizationInvitation,
} from '@/core/invitations';
import { processDueMail, renderMail } from '@/core/mail';
import { addMember, createOrganization, deleteOrganization, type OrgRole } from '@/core/organizations';
import type { Principal } from '@/core/principal';
import type { Database } from '@/db/client';
import { auditEvents, invitations, mailOutbox, organizationMembers, users } from '@/db/schema';
import { mailConfigFromEnv, smtpSender } from '@/mail/smtp';
import * as itemRoute from '../../app/api/v1/organizations/[orgId]/invitations/[id]/route';
import * as collectionRoute from '../../app/api/v1/organizations/[orgId]/invitations/route';
import { getDatabase } from '@/db';
import { describeEachDatabase, truncateAll } from '../support/database';
import { bearerFor, insertUser, principalFor, systemPrincipal, type UserPrincipal } from '../support/principals';
import type { Problem } from '../support/problem';
import { unlimitedMail } from '../support/send-limits';
import { linksIn, startSmtpServer, type TestSmtpServer } from '../support/smtp';

// Invitations into an organization, through the core and a real SMTP server: the email names the organization, the
// inviter and the role; a new address gets an account and the membership, an address with an account joins after
// signing in (no second account); every lookup is filtered by the organization in the path.

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());

let unique = 0;
const address = (label: string) => `${label}-${++unique}-${Date.now()}@example.com`;

/** Sends everything queued over SMTP and returns the message that reached `to`. */
async function delivered(db: Database, to: string): Promise<ParsedMail> {
  const before = smtp.messages.length;
  await processDueMail(db, smtpSender(mailConfigFromEnv({ ROSTER_SMTP_URL: smtp.url })!));
  return smtp.waitFor(to, { after: before });
}

function inviteToken(message: ParsedMail): string {
  const { text, html } = linksIn(message);
  expect(text).toBe(html);
  const match = /^http:\/\/localhost:3000\/invite\/([A-Za-z0-9_-]{43})$/.exec(text ?? '');
  expect(match, `an invite link in: ${message.text}`).not.toBeNull();
  return match![1]!;
}

/** An organization owned by a fresh user, with one fresh user per extra role; the principals to act as. */
async function organizationWith(db: Database, slug: string, roles: OrgRole[] = []) {
  const owner = await principalFor(db, 'member', 'api', { name: `Owner of ${slug}` });
  const organization = await createOrganization({ db, principal: systemPrincipal() }, { name: `Org ${slug}`, slug, ownerId: owner.userId }, 'open');
  const members: Partial<Record<OrgRole, UserPrincipal>> = { owner };
  for (const role of roles) {
    const user = await principalFor(db, 'member', 'api', { name: `${role} of ${slug}` });
    await addMember({ db, principal: systemPrincipal() }, organization.id, { userId: user.userId, role });
    members[role] = user;
  }
  return { id: organization.id, name: organization.name, members };
}

const eventsAbout = (db: Database, invitationId: string) =>
  db.select({ action: auditEvents.action, organizationId: auditEvents.organizationId }).from(auditEvents).where(eq(auditEvents.subjectId, invitationId)).orderBy(asc(auditEvents.position));

const membership = async (db: Database, organizationId: string, userId: string) =>
  (await db.select({ role: organizationMembers.role }).from(organizationMembers).where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId))))[0];

async function expectRejects(promise: Promise<unknown>, type: new (...args: never[]) => Error, message?: RegExp) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  if (message) expect((error as Error).message).toMatch(message);
}

it('the email escapes the organization’s and inviter’s names in its HTML, and says who invited when no person did', () => {
  const mail = renderMail('invitation', 'http://localhost:3000/invite/token', { organization: 'Acme <b>&</b> Co', inviter: null, role: 'owner' });
  expect(mail.subject).toBe('Roster invited you to join Acme <b>&</b> Co on Roster');
  expect(mail.text).toContain('Roster invited you to join the organization Acme <b>&</b> Co on Roster, as an owner.');
  expect(mail.html).toContain('Acme &lt;b&gt;&amp;&lt;/b&gt; Co');
  expect(mail.html).not.toContain('<b>');
});

describeEachDatabase('organization invitations', (db) => {
  it('an org admin invites a new address: the email names the organization, the inviter and the role; accepting makes the account and the membership', async () => {
    const org = await organizationWith(db(), `acme-${unique}`, ['admin']);
    const admin = org.members.admin!;
    await db().update(users).set({ name: 'Ada Admin' }).where(eq(users.id, admin.userId));
    const email = address('new');

    const invitation = await createOrganizationInvitation({ db: db(), principal: admin }, org.id, { email, role: 'member' }, unlimitedMail);
    expect(invitation).toMatchObject({ organizationId: org.id, email, role: 'member', status: 'pending', invitedBy: admin.userId, acceptedUserId: null });

    const message = await delivered(db(), email);
    expect(message.subject).toBe(`Ada Admin invited you to join ${org.name} on Roster`);
    expect(message.text).toContain(`Ada Admin invited you to join the organization ${org.name} on Roster, as a member.`);
    expect(message.html).toContain(`Ada Admin invited you to join the organization ${org.name} on Roster, as a member.`);
    const token = inviteToken(message);

    expect(await inspectInvitationLink(db(), token)).toEqual({ state: 'pending', email, role: 'member', organization: { id: org.id, name: org.name, role: 'member' }, hasAccount: false, replacesUnverifiedAccount: false });
    const { userId } = await acceptInvitation(db(), token, { name: 'Newcomer', password: 'a long enough password' });
    expect(await membership(db(), org.id, userId)).toEqual({ role: 'member' });
    const [user] = await db().select({ role: users.role, emailVerified: users.emailVerified }).from(users).where(eq(users.id, userId));
    expect(user).toEqual({ role: 'member', emailVerified: true });
    expect(await eventsAbout(db(), invitation.id)).toEqual([
      { action: 'invitation.created', organizationId: org.id },
      { action: 'invitation.accepted', organizationId: org.id },
    ]);
    const [added] = await db().select({ organizationId: auditEvents.organizationId, data: auditEvents.data }).from(auditEvents).where(eq(auditEvents.action, 'member.added')).orderBy(sql`${auditEvents.position} desc`).limit(1);
    expect(added).toMatchObject({ organizationId: org.id, data: { member: { userId, organizationId: org.id, role: 'member', email } } });
  });

  it('an address with an account joins after signing in as it, without a second account; nobody else can use the link', async () => {
    const slug = `globex-${unique}`;
    const org = await organizationWith(db(), slug);
    const email = address('existing');
    const existing = await insertUser(db(), 'member', { email, name: 'Existing' });
    await db().update(users).set({ emailVerified: true }).where(eq(users.id, existing.id));

    await createOrganizationInvitation({ db: db(), principal: org.members.owner! }, org.id, { email, role: 'admin' }, unlimitedMail);
    const message = await delivered(db(), email);
    expect(message.subject).toBe(`Owner of ${slug} invited you to join ${org.name} on Roster`);
    expect(message.text).toContain('as an admin.');
    const token = inviteToken(message);
    expect(await inspectInvitationLink(db(), token)).toMatchObject({ state: 'pending', hasAccount: true, organization: { id: org.id, role: 'admin' } });

    // The new-account path refuses: the address has an account.
    await expectRejects(acceptInvitation(db(), token, { name: 'Second', password: 'a long enough password' }), Conflict, /already exists/);
    // Someone else signed in, and the right address unverified, are refused; nothing changes.
    const stranger = await principalFor(db(), 'member', 'console');
    await expectRejects(joinByInvitation({ db: db(), principal: stranger }, token), Forbidden, new RegExp(email));
    await expectRejects(joinByInvitation({ db: db(), principal: { kind: 'anonymous', door: 'console' } }, token), Error, /Sign in/);
    await db().update(users).set({ emailVerified: false }).where(eq(users.id, existing.id));
    const self: Principal = { kind: 'user', door: 'console', userId: existing.id, role: 'member' };
    await expectRejects(joinByInvitation({ db: db(), principal: self }, token), Forbidden);
    expect(await membership(db(), org.id, stranger.userId)).toBeUndefined();
    expect(await membership(db(), org.id, existing.id)).toBeUndefined();

    await db().update(users).set({ emailVerified: true }).where(eq(users.id, existing.id));
    expect(await joinByInvitation({ db: db(), principal: self }, token)).toEqual({ organizationId: org.id });
    expect(await membership(db(), org.id, existing.id)).toEqual({ role: 'admin' });
    expect(await db().select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email}`)).toEqual([{ id: existing.id }]);
    const [row] = await db().select().from(invitations).where(eq(invitations.organizationId, org.id));
    expect(row).toMatchObject({ acceptedUserId: existing.id });
    expect(row!.acceptedAt).not.toBeNull();
    // Single use.
    await expectRejects(joinByInvitation({ db: db(), principal: self }, token), InvitationUnusable, /already accepted/);
  });

  it('an invitation id of another organization is not found, and that invitation is left as it was', async () => {
    const a = await organizationWith(db(), `alpha-${unique}`);
    const b = await organizationWith(db(), `beta-${unique}`);
    const theirs = await createOrganizationInvitation({ db: db(), principal: b.members.owner! }, b.id, { email: address('b') }, unlimitedMail);
    await expectRejects(revokeOrganizationInvitation({ db: db(), principal: a.members.owner! }, a.id, theirs.id), NotFound);
    // Staff reach every organization, but still only through the right one.
    await expectRejects(revokeOrganizationInvitation({ db: db(), principal: systemPrincipal() }, a.id, theirs.id), NotFound);
    expect((await listOrganizationInvitations({ db: db(), principal: a.members.owner! }, a.id, {})).items).toEqual([]);
    // A's owner is nobody in B.
    await expectRejects(listOrganizationInvitations({ db: db(), principal: a.members.owner! }, b.id, {}), NotFound);
    const [row] = await db().select({ revokedAt: invitations.revokedAt }).from(invitations).where(eq(invitations.id, theirs.id));
    expect(row).toEqual({ revokedAt: null });
    expect((await revokeOrganizationInvitation({ db: db(), principal: b.members.owner! }, b.id, theirs.id)).status).toBe('revoked');
  });

  it('an org admin can neither invite an owner nor revoke an owner’s invitation; members may not invite; nothing is queued', async () => {
    const org = await organizationWith(db(), `initech-${unique}`, ['admin', 'member']);
    const mailBefore = (await db().select().from(mailOutbox)).length;
    await expectRejects(createOrganizationInvitation({ db: db(), principal: org.members.admin! }, org.id, { email: address('o'), role: 'owner' }, unlimitedMail), Forbidden, /owner/);
    await expectRejects(createOrganizationInvitation({ db: db(), principal: org.members.member! }, org.id, { email: address('m') }, unlimitedMail), Forbidden);
    await expectRejects(listOrganizationInvitations({ db: db(), principal: org.members.member! }, org.id, {}), Forbidden);
    expect(await db().select().from(invitations)).toEqual([]);
    expect((await db().select().from(mailOutbox)).length).toBe(mailBefore);

    const toOwner = await createOrganizationInvitation({ db: db(), principal: org.members.owner! }, org.id, { email: address('o'), role: 'owner' }, unlimitedMail);
    await expectRejects(revokeOrganizationInvitation({ db: db(), principal: org.members.admin! }, org.id, toOwner.id), Forbidden);
    expect((await revokeOrganizationInvitation({ db: db(), principal: org.members.owner! }, org.id, toOwner.id)).status).toBe('revoked');
  });

  it('one pending invitation per organization and address; another organization may invite the same address; members are not invited again', async () => {
    const a = await organizationWith(db(), `one-${unique}`, ['member']);
    const b = await organizationWith(db(), `two-${unique}`);
    const email = address('twice');
    await createOrganizationInvitation({ db: db(), principal: a.members.owner! }, a.id, { email }, unlimitedMail);
    await expectRejects(createOrganizationInvitation({ db: db(), principal: a.members.owner! }, a.id, { email: email.toUpperCase() }, unlimitedMail), Conflict, /already invited/);
    expect(await createOrganizationInvitation({ db: db(), principal: b.members.owner! }, b.id, { email }, unlimitedMail)).toMatchObject({ organizationId: b.id, status: 'pending' });
    const [member] = await db().select({ email: users.email }).from(users).where(eq(users.id, a.members.member!.userId));
    await expectRejects(createOrganizationInvitation({ db: db(), principal: a.members.owner! }, a.id, { email: member!.email }, unlimitedMail), Conflict, /already a member/);
  });

  it('lists newest first in keyset pages, filtered by status', async () => {
    const org = await organizationWith(db(), `pages-${unique}`);
    const ctx = { db: db(), principal: org.members.owner! };
    const start = Date.now();
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push(await createOrganizationInvitation(ctx, org.id, { email: address(`p${i}`) }, { ...unlimitedMail, now: new Date(start + i * 1000) }));
    await revokeOrganizationInvitation(ctx, org.id, made[0]!.id);
    const first = await listOrganizationInvitations(ctx, org.id, { limit: '2' });
    expect(first.items.map((item) => item.id)).toEqual([made[2]!.id, made[1]!.id]);
    const second = await listOrganizationInvitations(ctx, org.id, { limit: '2', cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ id: made[0]!.id, status: 'revoked' })], nextCursor: null });
    expect((await listOrganizationInvitations(ctx, org.id, { status: 'revoked' })).items.map((item) => item.id)).toEqual([made[0]!.id]);
  });

  it('deleting the organization revokes its open invitations with events in the same transaction, and their links stop working', async () => {
    const org = await organizationWith(db(), `gone-${unique}`);
    const email = address('gone');
    const invitation = await createOrganizationInvitation({ db: db(), principal: org.members.owner! }, org.id, { email }, unlimitedMail);
    const token = inviteToken(await delivered(db(), email));
    await deleteOrganization({ db: db(), principal: org.members.owner! }, org.id);
    expect(await db().select().from(invitations).where(eq(invitations.id, invitation.id))).toEqual([]);
    expect(await eventsAbout(db(), invitation.id)).toEqual([
      { action: 'invitation.created', organizationId: org.id },
      { action: 'invitation.revoked', organizationId: org.id },
    ]);
    expect(await inspectInvitationLink(db(), token)).toEqual({ state: 'unknown' });
    await expectRejects(acceptInvitation(db(), token, { name: 'Late', password: 'a long enough password' }), InvitationUnusable);
  });
});

describe('REST /api/v1/organizations/{orgId}/invitations', () => {
  const BASE = 'http://localhost:3000';
  const processDb = async () => (await getDatabase()).db;
  beforeEach(async () => truncateAll(await processDb()));
  afterEach(() => vi.unstubAllEnvs());

  const post = (orgId: string, headers: Record<string, string>, body: unknown) =>
    collectionRoute.POST(new Request(`${BASE}/api/v1/organizations/${orgId}/invitations`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }), {
      params: Promise.resolve({ orgId }),
    });
  const counts = async () => [(await (await processDb()).select().from(invitations)).length, (await (await processDb()).select().from(mailOutbox)).length];

  async function ownedOrganization(slug: string) {
    const owner = await bearerFor(await processDb(), 'member');
    const organization = await createOrganization({ db: await processDb(), principal: systemPrincipal() }, { name: `Org ${slug}`, slug, ownerId: owner.userId }, 'open');
    return { owner, orgId: organization.id };
  }

  it('POST answers 201 with Location; a retry with the same Idempotency-Key replays it without inviting or emailing again', async () => {
    const { owner, orgId } = await ownedOrganization('rest-idem');
    const headers = { ...owner.headers, 'idempotency-key': '"org-invite-1"' };
    const first = await post(orgId, headers, { email: 'grace@example.com', role: 'admin' });
    expect(first.status).toBe(201);
    const body = await first.json();
    expect(first.headers.get('location')).toBe(`${BASE}/api/v1/organizations/${orgId}/invitations/${body.id}`);
    const again = await post(orgId, headers, { email: 'grace@example.com', role: 'admin' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(body);
    expect(await counts()).toEqual([1, 1]);
  });

  it('the send limits apply as to any invitation: over the inviter’s budget, 429 with Retry-After and nothing queued', async () => {
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_ACCOUNT', '1/3600');
    const { owner, orgId } = await ownedOrganization('rest-limit');
    expect((await post(orgId, owner.headers, { email: 'one@example.com' })).status).toBe(201);
    const spent = await post(orgId, owner.headers, { email: 'two@example.com' });
    expect(spent.status).toBe(429);
    expect(Number(spent.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await spent.json()) as Problem).detail).toMatch(/^Too many emails requested by this account\./);
    expect(await counts()).toEqual([1, 1]);
  });

  it('DELETE of another organization’s invitation id is a 404 problem; of its own, 204', async () => {
    const a = await ownedOrganization('rest-a');
    const b = await ownedOrganization('rest-b');
    const theirs = (await (await post(b.orgId, b.owner.headers, { email: 'b@example.com' })).json()) as { id: string };
    const revoke = (org: { orgId: string; owner: { headers: Record<string, string> } }) =>
      itemRoute.DELETE(new Request(`${BASE}/api/v1/organizations/${org.orgId}/invitations/${theirs.id}`, { method: 'DELETE', headers: org.owner.headers }), {
        params: Promise.resolve({ orgId: org.orgId, id: theirs.id }),
      });
    const refused = await revoke(a);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect((await (await processDb()).select({ revokedAt: invitations.revokedAt }).from(invitations))[0]).toEqual({ revokedAt: null });
    expect((await revoke(b)).status).toBe(204);
  });
});
