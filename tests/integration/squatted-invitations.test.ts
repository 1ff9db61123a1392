import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { idleState } from '@/actions/action-state';
import { acceptInvitation, createInvitation } from '@/core/invitations';
import { addMember } from '@/core/organizations';
import { getDatabase } from '@/db';
import { accounts, auditEvents, invitations, organizationMembers, organizations, sessions, users } from '@/db/schema';
import { defaultConsolePath } from '@/lib/next-path';
import * as authRoute from '../../app/api/auth/[...all]/route';
import * as invitationsRoute from '../../app/api/v1/invitations/route';
import * as organizationInvitationsRoute from '../../app/api/v1/organizations/[orgId]/invitations/route';
import { acceptInvitationAction } from '../../app/invite/actions';
import { setupOwnerAction } from '../../app/setup/actions';
import { formData, redirectTarget } from '../support/actions';
import { fromClient } from '../support/client-ip';
import { describeEachDatabase, truncateAll } from '../support/database';
import { requestHeaders } from '../support/next-headers';
import { callApi, seedOrganization } from '../support/organizations';
import { queuedMail } from '../support/outbox';
import { bearerFor, insertUser, systemPrincipal } from '../support/principals';
import { unlimitedMail } from '../support/send-limits';

vi.mock('next/cache', () => ({ refresh: vi.fn(), updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn(), unstable_cache: (fn: unknown) => fn }));
vi.mock('next/headers', async () => (await import('../support/next-headers')).nextHeadersMock);

// Someone registers an invited address before the invitee accepts (or even before the invitation is sent): the
// invitation still works, the emailed link proving the address, and the invitee never gets the squatter's account.
// Everything through the real doors: Better Auth's sign-up endpoint, the REST API, the invitation page's action.
const BASE = 'http://localhost:3000';
const SQUATTER_PASSWORD = 'the-squatters-password';
const INVITEE_PASSWORD = 'the-invitees-own-password';
const db = async () => (await getDatabase()).db;
let client = 0;
const nextIp = () => `198.51.100.${(++client % 250) + 1}`;

function authPost(path: string, body: unknown, headers: Record<string, string> = {}) {
  return authRoute.POST(
    new Request(`${BASE}/api/auth${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', origin: BASE, ...fromClient(nextIp()), ...headers } }),
  );
}

/** The squatter signs up with the invitee's address through the real endpoint, and keeps the session it answers with. */
async function squat(email: string) {
  const response = await authPost('/sign-up/email', { email, password: SQUATTER_PASSWORD, name: 'Squatter' });
  expect(response.status).toBe(200);
  const [row] = await (await db()).select().from(users).where(eq(users.email, email));
  expect(row).toMatchObject({ emailVerified: false });
  const headers = { authorization: `Bearer ${response.headers.get('set-auth-token')}` };
  expect((await callApi('GET', '/api/v1/me', { headers })).status).toBe(200);
  return { id: row!.id, headers };
}

/** Staff invite `email` through the REST API, as an integration would. */
async function invite(headers: Record<string, string>, body: Record<string, string>) {
  const response = await invitationsRoute.POST(
    new Request(`${BASE}/api/v1/invitations`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
    { params: Promise.resolve({}) },
  );
  expect(response.status).toBe(201);
}

/** The link token of the invitation emailed to `email` (the newest). */
async function emailedToken(email: string): Promise<string> {
  const token = (await queuedMail(await db())).filter((mail) => mail.recipient === email && mail.kind === 'invitation').at(-1)?.token;
  expect(token).toBeDefined();
  return token!;
}

/** The invitee follows the link and creates their account on the invitation page. */
function accept(token: string) {
  requestHeaders.set(fromClient(nextIp()));
  return acceptInvitationAction(idleState, formData({ token, name: 'Invitee', password: INVITEE_PASSWORD, confirmPassword: INVITEE_PASSWORD }));
}

const signInStatus = async (email: string, password: string) => (await authPost('/sign-in/email', { email, password })).status;

async function passwordHashOf(userId: string) {
  const [row] = await (await db()).select({ password: accounts.password }).from(accounts).where(and(eq(accounts.userId, userId), eq(accounts.providerId, 'credential')));
  return row?.password;
}

/** What must hold once the invitee accepted: a new, verified account with their password; nothing of the squatter's left. */
async function expectSquatterReplaced(email: string, squatter: { id: string; headers: Record<string, string> }, squatterHash: string | null | undefined) {
  const holders = await (await db()).select().from(users).where(sql`lower(${users.email}) = ${email}`);
  expect(holders).toHaveLength(1);
  const invitee = holders[0]!;
  expect(invitee.id).not.toBe(squatter.id);
  expect(invitee).toMatchObject({ name: 'Invitee', emailVerified: true });
  expect(await (await db()).select().from(sessions).where(eq(sessions.userId, squatter.id))).toEqual([]);
  expect(await (await db()).select().from(accounts).where(eq(accounts.userId, squatter.id))).toEqual([]);
  const inviteeHash = await passwordHashOf(invitee.id);
  expect(inviteeHash).toBeTruthy();
  expect(inviteeHash).not.toBe(squatterHash);
  // The squatter's session and password are worth nothing now; the invitee's password signs in.
  expect((await callApi('GET', '/api/v1/me', { headers: squatter.headers })).status).toBe(401);
  expect(await signInStatus(email, SQUATTER_PASSWORD)).toBe(401);
  expect(await signInStatus(email, INVITEE_PASSWORD)).toBe(200);
  const deleted = await (await db()).select().from(auditEvents).where(and(eq(auditEvents.subjectId, squatter.id), eq(auditEvents.action, 'user.deleted')));
  expect(deleted).toEqual([expect.objectContaining({ actor: `user:${invitee.id}` })]);
  return invitee;
}

beforeEach(async () => truncateAll(await db()));
afterEach(() => vi.unstubAllEnvs());

describe('an invited address registered by someone else', () => {
  it('Roster invitation: the squatter registered after it was sent; accepting replaces their account, sessions and password', async () => {
    const staff = await bearerFor(await db(), 'owner');
    const email = 'invitee@example.com';
    await invite(staff.headers, { email, role: 'admin' });
    const squatter = await squat(email);
    const squatterHash = await passwordHashOf(squatter.id);
    // The squatter made an organization of their own: it goes with their account (it alone owned it).
    const trap = await callApi('POST', '/api/v1/organizations', { json: { name: 'Trap', slug: 'trap' }, headers: squatter.headers });
    expect(trap.status).toBe(201);

    expect(await redirectTarget(async () => accept(await emailedToken(email)))).toBe(defaultConsolePath);

    const invitee = await expectSquatterReplaced(email, squatter, squatterHash);
    expect(invitee.role).toBe('admin');
    expect(await (await db()).select().from(organizations).where(eq(organizations.slug, 'trap'))).toEqual([]);
    const [invitation] = await (await db()).select().from(invitations);
    expect(invitation).toMatchObject({ acceptedUserId: invitee.id });
  });

  it('Roster invitation: the squatter registered first; the invitation can still be sent and accepted', async () => {
    const email = 'early@example.com';
    const squatter = await squat(email);
    const staff = await bearerFor(await db(), 'owner');
    await invite(staff.headers, { email });
    const squatterHash = await passwordHashOf(squatter.id);
    // Sign-up now limited to other domains: an invitation still makes the account, whatever its domain.
    vi.stubEnv('ROSTER_SIGN_UP', 'domains:other.example');
    expect(await redirectTarget(async () => accept(await emailedToken(email)))).toBe(defaultConsolePath);
    await expectSquatterReplaced(email, squatter, squatterHash);
  });

  it('organization invitation, in invite-only mode: accepting replaces the squatter and joins the organization', async () => {
    const alice = await bearerFor(await db(), 'member');
    const acme = await seedOrganization(await db(), 'acme', alice.userId);
    const email = 'bob@example.com';
    const invited = await organizationInvitationsRoute.POST(
      new Request(`${BASE}/api/v1/organizations/${acme.id}/invitations`, { method: 'POST', headers: { 'content-type': 'application/json', ...alice.headers }, body: JSON.stringify({ email, role: 'admin' }) }),
      { params: Promise.resolve({ orgId: acme.id }) },
    );
    expect(invited.status).toBe(201);
    const squatter = await squat(email);
    const squatterHash = await passwordHashOf(squatter.id);

    // Self sign-up closes; invitations still make accounts.
    vi.stubEnv('ROSTER_SIGN_UP', 'invite-only');
    expect(await redirectTarget(async () => accept(await emailedToken(email)))).toBe(defaultConsolePath);

    const invitee = await expectSquatterReplaced(email, squatter, squatterHash);
    const members = await (await db()).select({ userId: organizationMembers.userId, role: organizationMembers.role }).from(organizationMembers).where(eq(organizationMembers.organizationId, acme.id));
    expect(members).toEqual(expect.arrayContaining([{ userId: invitee.id, role: 'admin' }, { userId: alice.userId, role: 'owner' }]));
  });

  it('an account that proved the address is its holder’s: the new-account form refuses, and it is untouched', async () => {
    const email = 'verified@example.com';
    const staff = await bearerFor(await db(), 'owner');
    await invite(staff.headers, { email });
    const holder = await squat(email);
    await (await db()).update(users).set({ emailVerified: true }).where(eq(users.id, holder.id));

    expect(await accept(await emailedToken(email))).toMatchObject({ status: 'error', message: 'An account with this email already exists. Sign in instead.' });
    expect(await signInStatus(email, SQUATTER_PASSWORD)).toBe(200);
    expect((await callApi('GET', '/api/v1/me', { headers: holder.headers })).status).toBe(200);
  });

  it('the first-owner setup works in invite-only mode', async () => {
    vi.stubEnv('ROSTER_SIGN_UP', 'invite-only');
    requestHeaders.set(fromClient(nextIp()));
    const setup = () => setupOwnerAction(idleState, formData({ email: 'first@example.com', name: 'First', password: INVITEE_PASSWORD }));
    expect(await redirectTarget(setup)).toBe(defaultConsolePath);
    expect(await (await db()).select({ role: users.role }).from(users).where(eq(users.email, 'first@example.com'))).toEqual([{ role: 'owner' }]);
  });
});

describeEachDatabase('replacing an unproven account', (db) => {
  it('deletes the organizations it alone owns, keeps those with another owner (minus it), and keeps the invitation', async () => {
    const email = 'carol@example.com';
    const squatter = await insertUser(db(), 'member', { email });
    const partner = await insertUser(db(), 'member');
    const alone = await seedOrganization(db(), `alone-${squatter.id}`, squatter.id);
    const shared = await seedOrganization(db(), `shared-${squatter.id}`, squatter.id, { [partner.id]: 'owner' });
    await createInvitation({ db: db(), principal: systemPrincipal() }, { email, role: 'viewer' }, unlimitedMail);
    const [mail] = await queuedMail(db());
    await addMember({ db: db(), principal: systemPrincipal() }, shared.id, { userId: (await insertUser(db(), 'member')).id, role: 'member' });

    const { userId } = await acceptInvitation(db(), mail!.token, { name: 'Carol', password: INVITEE_PASSWORD });

    expect(userId).not.toBe(squatter.id);
    expect(await db().select({ id: users.id }).from(users).where(eq(users.id, squatter.id))).toEqual([]);
    expect(await db().select({ id: organizations.id }).from(organizations).where(eq(organizations.id, alone.id))).toEqual([]);
    const sharedOwners = await db().select({ userId: organizationMembers.userId }).from(organizationMembers).where(and(eq(organizationMembers.organizationId, shared.id), eq(organizationMembers.role, 'owner')));
    expect(sharedOwners).toEqual([{ userId: partner.id }]);
    expect(await db().select({ acceptedUserId: invitations.acceptedUserId }).from(invitations)).toEqual([{ acceptedUserId: userId }]);
    const actions = (await db().select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.actor, `user:${userId}`))).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(['organization.deleted', 'member.removed', 'user.deleted', 'user.created', 'invitation.accepted']));
  });
});
