import { and, eq, isNull } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as meRoute from '../../app/api/v1/me/route';
import { getAuth } from '@/auth';
import { userPrincipal } from '@/auth/principal';
import { createApiKey } from '@/core/api-keys';
import { requestEmailChange } from '@/core/accounts';
import { Forbidden } from '@/core/errors';
import { endExpiredImpersonations, IMPERSONATION_MS, startImpersonation } from '@/core/impersonation';
import type { Principal } from '@/core/principal';
import { deleteUser, updateMe } from '@/core/users';
import type { Role } from '@/core/users/schemas';
import { getDatabase } from '@/db';
import { auditEvents, impersonations, sessions } from '@/db/schema';
import { truncateAll } from '../support/database';
import { unlimitedMail } from '../support/send-limits';
import { bearerFor, insertUser, principalFor, TEST_PASSWORD, type SignedInUser } from '../support/principals';

// Impersonation (issue 30, item 1): who may impersonate whom, the session it opens, what it refuses, what every event
// then says, its hard limit, and Stop returning to the admin's own session.

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const db = async () => (await getDatabase()).db;
const reason = 'Customer reports the billing page is blank';

beforeEach(async () => truncateAll(await db()));

/** Starts an impersonation as `admin` over Better Auth, as the console's action does: the new session's cookie. */
async function impersonate(admin: SignedInUser, userId: string, body: Record<string, unknown> = { reason }) {
  const auth = await getAuth();
  const { headers, response } = await auth.api.startImpersonation({ body: { userId, ...body }, headers: new Headers({ cookie: admin.cookie }), returnHeaders: true });
  const cookie = /(roster\.session_token=[^;]+)/.exec(headers.get('set-cookie') ?? '')?.[1];
  const returnCookie = /(roster\.impersonation=[^;]+)/.exec(headers.get('set-cookie') ?? '')?.[1];
  if (!cookie || !returnCookie) throw new Error('no session cookie, or no way back to the admin');
  const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
  return { cookie, returnCookie, session: session!, impersonation: response.impersonation };
}

/** A browser's visit to the way back from an impersonation, with these cookies: where it goes, and the session cookie it ends with. */
async function visitReturn(cookie: string) {
  const response = await (await getAuth()).handler(new Request('http://localhost:3000/api/auth/impersonation/return?next=%2Fusers', { headers: { cookie } }));
  const sessionCookie = [...(response.headers.get('set-cookie') ?? '').matchAll(/(roster\.session_token=[^;]*)/g)].at(-1)?.[1];
  return { status: response.status, location: response.headers.get('location'), sessionCookie };
}

const principalOfCookie = async (cookie: string): Promise<Principal | null> => {
  const session = await (await getAuth()).api.getSession({ headers: new Headers({ cookie }) });
  return session && userPrincipal(session.user, 'console', session.session);
};

describe('who may impersonate whom (the rules as a matrix)', () => {
  type Target = Role | 'self' | 'suspended member';
  // [actor, target, allowed]
  const matrix: [Role, Target, boolean][] = [
    ['member', 'member', false],
    ['viewer', 'member', false],
    ['admin', 'member', true],
    ['admin', 'viewer', true],
    ['admin', 'admin', false],
    ['admin', 'owner', false],
    ['admin', 'self', false],
    ['admin', 'suspended member', false],
    ['owner', 'member', true],
    ['owner', 'viewer', true],
    ['owner', 'admin', true],
    ['owner', 'owner', false],
    ['owner', 'self', false],
    ['owner', 'suspended member', false],
  ];

  it.each(matrix)('%s impersonating %s: allowed %s', async (actorRole, target, allowed) => {
    const database = await db();
    const actor = await principalFor(database, actorRole, 'console');
    const targetId =
      target === 'self'
        ? actor.userId
        : (await insertUser(database, target === 'suspended member' ? 'member' : target, { status: target === 'suspended member' ? 'suspended' : 'active' })).id;
    const attempt = startImpersonation({ db: database, principal: actor }, { userId: targetId, reason }, 'admin-session');
    if (allowed) await expect(attempt).resolves.toMatchObject({ adminId: actor.userId, userId: targetId, reason, ticket: null });
    else await expect(attempt).rejects.toBeInstanceOf(Forbidden);
    expect(await database.select().from(impersonations)).toHaveLength(allowed ? 1 : 0);
  });

  it('refuses while already impersonating, and an API key', async () => {
    const database = await db();
    const owner = await principalFor(database, 'owner', 'console');
    const member = await insertUser(database, 'member');
    const impersonating: Principal = { ...owner, impersonation: { type: 'impersonation', impersonationId: '01936f90-1a2b-7cc2-9d5e-3b6a2f0e4d1b', adminId: owner.userId, userId: owner.userId } };
    await expect(startImpersonation({ db: database, principal: impersonating }, { userId: member.id, reason }, 's')).rejects.toThrow(/Stop impersonating first/);
    const key: Principal = { kind: 'apiKey', door: 'api', keyId: 'k', scopes: ['users:write'] };
    await expect(startImpersonation({ db: database, principal: key }, { userId: member.id, reason }, 's')).rejects.toBeInstanceOf(Forbidden);
  });

  it('asks for a reason of at least 10 characters and a bounded ticket', async () => {
    const database = await db();
    const admin = await principalFor(database, 'admin', 'console');
    const member = await insertUser(database, 'member');
    await expect(startImpersonation({ db: database, principal: admin }, { userId: member.id, reason: 'too short' }, 's')).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['reason'] })] });
    await expect(startImpersonation({ db: database, principal: admin }, { userId: member.id, reason, ticket: 'x'.repeat(101) }, 's')).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['ticket'] })] });
    expect(await database.select().from(impersonations)).toHaveLength(0);
  });
});

describe('an impersonation session', () => {
  it('acts as the user for the admin, refuses account changes, and every event names the admin', async () => {
    const database = await db();
    const admin = await bearerFor(database, 'admin');
    const member = await bearerFor(database, 'member');
    const { cookie, session, impersonation } = await impersonate(admin, member.userId, { reason, ticket: 'SUP-42' });

    expect(session.user.id).toBe(member.userId);
    expect(session.session).toMatchObject({ impersonationId: impersonation.id, impersonatedBy: admin.userId });
    // The hard limit: the session ends 60 minutes after the start, whatever the activity.
    expect(new Date(session.session.expiresAt).getTime()).toBe(new Date(impersonation.startedAt).getTime() + IMPERSONATION_MS);

    const principal = (await principalOfCookie(cookie))!;
    const actor = { type: 'impersonation', impersonationId: impersonation.id, adminId: admin.userId, userId: member.userId };
    expect(principal).toMatchObject({ kind: 'user', userId: member.userId, impersonation: actor });

    await updateMe({ db: database, principal }, { name: 'Renamed while impersonated' });
    const [updated] = await database.select().from(auditEvents).where(eq(auditEvents.action, 'user.updated'));
    expect(updated!.data).toMatchObject({ actor });
    const [started] = await database.select().from(auditEvents).where(eq(auditEvents.action, 'impersonation.started'));
    expect(started).toMatchObject({ actor: `user:${admin.userId}`, subjectId: member.userId });
    expect(started!.data).toMatchObject({ impersonation: { id: impersonation.id, reason, ticket: 'SUP-42', adminId: admin.userId } });

    // Refused: email, API keys, deleting the account (core) and password / second factor (Better Auth's endpoints).
    await expect(requestEmailChange({ db: database, principal }, { email: 'new@example.com' }, unlimitedMail)).rejects.toBeInstanceOf(Forbidden);
    await expect(createApiKey({ db: database, principal }, { name: 'k', scopes: ['users:read'] })).rejects.toBeInstanceOf(Forbidden);
    await expect(deleteUser({ db: database, principal }, member.userId)).rejects.toBeInstanceOf(Forbidden);
    const auth = await getAuth();
    const headers = new Headers({ cookie, origin: 'http://localhost:3000' });
    await expect(auth.api.changePassword({ body: { currentPassword: TEST_PASSWORD, newPassword: 'another long password 1' }, headers })).rejects.toBeInstanceOf(Forbidden);
    await expect(auth.api.enableTwoFactor({ body: { password: TEST_PASSWORD }, headers })).rejects.toBeInstanceOf(Forbidden);
  });

  it('GET /api/v1/me and the JWT from /api/auth/token carry the impersonator; Stop ends the JWT too', async () => {
    const database = await db();
    const admin = await bearerFor(database, 'admin');
    const member = await bearerFor(database, 'member');
    const { session, impersonation } = await impersonate(admin, member.userId);
    const auth = await getAuth();
    const { token } = await auth.api.getToken({ headers: new Headers({ authorization: `Bearer ${session.session.token}` }) });
    expect(decodeJwt(token)).toMatchObject({ sub: member.userId, act: { sub: admin.userId }, impersonation_id: impersonation.id });

    const me = (bearer: string) => meRoute.GET(new Request('http://localhost:3000/api/v1/me', { headers: { authorization: `Bearer ${bearer}` } }), { params: Promise.resolve({}) });
    const impersonator = { adminId: admin.userId, impersonationId: impersonation.id };
    expect(await (await me(token)).json()).toMatchObject({ id: member.userId, impersonator });
    expect(await (await me(session.session.token)).json()).toMatchObject({ id: member.userId, impersonator });
    expect(await (await me(member.token)).json()).toMatchObject({ id: member.userId, impersonator: null });

    await auth.api.stopImpersonation({ headers: new Headers({ authorization: `Bearer ${session.session.token}` }) });
    expect((await me(token)).status).toBe(401);
  });

  it('Stop returns to the admin’s own session, intact, and records impersonation.ended', async () => {
    const database = await db();
    const admin = await bearerFor(database, 'owner');
    const member = await bearerFor(database, 'viewer');
    const [adminSessionBefore] = await database.select().from(sessions).where(eq(sessions.userId, admin.userId));
    const { cookie, impersonation } = await impersonate(admin, member.userId);

    const auth = await getAuth();
    const { headers, response } = await auth.api.stopImpersonation({ headers: new Headers({ cookie }), returnHeaders: true });
    expect(response).toEqual({ returned: true });
    // The last session cookie set wins in a browser (reading the impersonation session may have set it again first).
    const adminCookie = [...(headers.get('set-cookie') ?? '').matchAll(/(roster\.session_token=[^;]+)/g)].at(-1)?.[1];
    const back = await auth.api.getSession({ headers: new Headers({ cookie: adminCookie! }) });
    expect(back?.user.id).toBe(admin.userId);
    expect(back?.session.id).toBe(adminSessionBefore!.id);
    expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).toBeNull();
    expect(await database.select().from(sessions).where(eq(sessions.impersonationId, impersonation.id))).toHaveLength(0);
    const [ended] = await database.select().from(auditEvents).where(eq(auditEvents.action, 'impersonation.ended'));
    expect(ended!.data).toMatchObject({ impersonation: { id: impersonation.id, endReason: 'stopped' }, actor: { type: 'impersonation', adminId: admin.userId } });
  });

  it('ends at its hard limit: the session signs nobody in, and the sweeper records the end once', async () => {
    const database = await db();
    const admin = await bearerFor(database, 'admin');
    const member = await bearerFor(database, 'member');
    const { session, impersonation } = await impersonate(admin, member.userId);
    const later = new Date(new Date(impersonation.startedAt).getTime() + IMPERSONATION_MS + 1000);

    vi.useFakeTimers({ now: later, toFake: ['Date'] });
    try {
      expect(userPrincipal(session.user, 'console', session.session)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
    expect(await endExpiredImpersonations(database, later)).toBe(1);
    expect(await endExpiredImpersonations(database, later)).toBe(0);
    const ended = await database.select().from(auditEvents).where(and(eq(auditEvents.action, 'impersonation.ended'), eq(auditEvents.subjectId, member.userId)));
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ actor: 'system:impersonation-expiry' });
    expect(ended[0]!.data).toMatchObject({ impersonation: { endReason: 'expired' } });
    expect(await database.select().from(sessions).where(eq(sessions.impersonationId, impersonation.id))).toHaveLength(0);
  });

  it('past its hard limit, the next console request returns to the admin’s own session (not signed out)', async () => {
    const database = await db();
    const admin = await bearerFor(database, 'admin');
    const member = await bearerFor(database, 'member');
    const [adminSessionBefore] = await database.select().from(sessions).where(eq(sessions.userId, admin.userId));
    const { cookie, returnCookie, impersonation } = await impersonate(admin, member.userId);

    // While it runs, the way back changes nothing: the browser stays the impersonation's.
    const early = await visitReturn(`${cookie}; ${returnCookie}`);
    expect(early).toMatchObject({ status: 302, location: '/users' });
    expect(await principalOfCookie(early.sessionCookie ?? cookie)).toMatchObject({ userId: member.userId });

    const past = new Date(Date.now() - 1000);
    await database.update(impersonations).set({ expiresAt: past }).where(eq(impersonations.id, impersonation.id));
    await database.update(sessions).set({ expiresAt: past }).where(eq(sessions.impersonationId, impersonation.id));
    expect(await principalOfCookie(cookie)).toBeNull();

    const back = await visitReturn(`${cookie}; ${returnCookie}`);
    expect(back).toMatchObject({ status: 302, location: '/users' });
    const session = await (await getAuth()).api.getSession({ headers: new Headers({ cookie: back.sessionCookie! }) });
    expect(session?.user.id).toBe(admin.userId);
    expect(session?.session.id).toBe(adminSessionBefore!.id);
  });

  it('the way back needs the signed cookie of an impersonation that is over, and a standing admin session', async () => {
    const database = await db();
    const admin = await bearerFor(database, 'admin');
    const member = await bearerFor(database, 'member');
    const { cookie, returnCookie, impersonation } = await impersonate(admin, member.userId);
    await database.update(impersonations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(impersonations.id, impersonation.id));
    await database.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.impersonationId, impersonation.id));

    const forged = returnCookie.replace(/=.*/, `=${impersonation.id}.forged-signature`);
    expect(await visitReturn(`${cookie}; ${forged}`)).toMatchObject({ status: 302, location: '/sign-in?next=%2Fusers' });
    expect(await visitReturn(cookie)).toMatchObject({ status: 302, location: '/sign-in?next=%2Fusers' });

    await database.delete(sessions).where(eq(sessions.userId, admin.userId));
    const revoked = await visitReturn(`${cookie}; ${returnCookie}`);
    expect(revoked).toMatchObject({ status: 302, location: '/sign-in?next=%2Fusers' });
    expect(revoked.sessionCookie).toBe('roster.session_token=');
  });

  it('a session the impersonation revokes is recorded with the admin as data.actor', async () => {
    const database = await db();
    const admin = await bearerFor(database, 'admin');
    const member = await bearerFor(database, 'member');
    const { cookie, impersonation } = await impersonate(admin, member.userId);

    const [ownSession] = await database.select({ token: sessions.token }).from(sessions).where(and(eq(sessions.userId, member.userId), isNull(sessions.impersonationId)));
    await (await getAuth()).api.revokeSession({ body: { token: ownSession!.token }, headers: new Headers({ cookie, origin: 'http://localhost:3000' }) });

    const [revoked] = await database.select().from(auditEvents).where(eq(auditEvents.action, 'session.revoked'));
    expect(revoked).toMatchObject({ actor: `user:${member.userId}`, subjectId: member.userId });
    expect(revoked!.data).toMatchObject({ actor: { type: 'impersonation', impersonationId: impersonation.id, adminId: admin.userId, userId: member.userId } });
  });
});
