import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { liftEndedSuspensions, SUSPENSION_ENDED } from '@/core/users';
import { getDatabase } from '@/db';
import { auditEvents, mailOutbox, sessions, users } from '@/db/schema';
import { startMailer } from '@/server/mailer';
import * as meRoute from '../../app/api/v1/me/route';
import * as userRoute from '../../app/api/v1/users/[id]/route';
import * as sessionsRoute from '../../app/api/v1/users/[id]/sessions/route';
import * as sessionRoute from '../../app/api/v1/users/[id]/sessions/[sessionId]/route';
import * as passwordResetRoute from '../../app/api/v1/users/[id]/password-reset/route';
import * as verificationRoute from '../../app/api/v1/users/[id]/verification-email/route';
import { truncateAll } from '../support/database';
import { bearerFor, signIn } from '../support/principals';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

// Staff tools on one user over REST (docs/staff-tools.md): their sessions, the emails staff send them, and
// suspensions with a reason and an end that the expiry sweeper lifts. PGlite, and PostgreSQL with TEST_DATABASE_URL.

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const BASE = 'http://localhost:3000';
const db = async () => (await getDatabase()).db;
type Params = Record<string, string>;
type Route = (request: Request, context: { params: Promise<Params> }) => Promise<Response>;
const call = (route: Route, method: string, path: string, params: Params, authorization: string, body?: unknown) =>
  route(
    new Request(`${BASE}${path}`, { method, headers: { authorization, origin: BASE, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined }),
    { params: Promise.resolve(params) },
  );
const me = (authorization: string) => call(meRoute.GET as Route, 'GET', '/api/v1/me', {}, authorization);
const eventsOf = async (action: string, userId: string) =>
  (await db()).select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.subjectId, userId)));

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());
beforeEach(async () => truncateAll(await db()));

describe('a user’s sessions', () => {
  it('lists them without tokens; revoking one stops that session working, the other keeps working', async () => {
    const admin = await bearerFor(await db(), 'admin');
    const member = await bearerFor(await db(), 'member');
    const second = await signIn(await db(), member.email);
    const list = await call(sessionsRoute.GET as Route, 'GET', `/api/v1/users/${member.userId}/sessions`, { id: member.userId }, admin.headers.authorization);
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: { id: string; device: string; ipAddress: string | null; lastActiveAt: string; impersonatedBy: unknown }[] };
    expect(items).toHaveLength(2);
    expect(JSON.stringify(items)).not.toContain(member.token);
    expect(items.every((item) => item.impersonatedBy === null && typeof item.lastActiveAt === 'string')).toBe(true);

    const [secondSession] = await (await db()).select({ id: sessions.id }).from(sessions).where(eq(sessions.token, second.token.split('.')[0]!));
    const secondId = secondSession!.id;
    const revoked = await call(sessionRoute.DELETE as Route, 'DELETE', `/api/v1/users/${member.userId}/sessions/${secondId}`, { id: member.userId, sessionId: secondId }, admin.headers.authorization);
    expect(revoked.status).toBe(204);
    expect((await me(`Bearer ${second.token}`)).status).toBe(401);
    expect((await me(member.headers.authorization)).status).toBe(200);
    const [event] = await eventsOf('session.revoked', member.userId);
    expect(event).toMatchObject({ actor: `user:${admin.userId}`, data: { sessionId: secondId } });

    const again = await call(sessionRoute.DELETE as Route, 'DELETE', `/api/v1/users/${member.userId}/sessions/${secondId}`, { id: member.userId, sessionId: secondId }, admin.headers.authorization);
    expect(again.status).toBe(404);
  });

  it('signs them out everywhere: every session stops working, one event says how many', async () => {
    const admin = await bearerFor(await db(), 'admin');
    const member = await bearerFor(await db(), 'member');
    const second = await signIn(await db(), member.email);
    const response = await call(sessionsRoute.DELETE as Route, 'DELETE', `/api/v1/users/${member.userId}/sessions`, { id: member.userId }, admin.headers.authorization);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ revoked: 2 });
    expect((await me(member.headers.authorization)).status).toBe(401);
    expect((await me(`Bearer ${second.token}`)).status).toBe(401);
    expect(await eventsOf('session.revoked', member.userId)).toMatchObject([{ actor: `user:${admin.userId}`, changes: { sessions: { before: 2, after: 0 } } }]);
  });

  it('admins don’t touch another admin’s sessions; owners do', async () => {
    const admin = await bearerFor(await db(), 'admin');
    const owner = await bearerFor(await db(), 'owner');
    const otherAdmin = await bearerFor(await db(), 'admin');
    const path = `/api/v1/users/${otherAdmin.userId}/sessions`;
    expect((await call(sessionsRoute.DELETE as Route, 'DELETE', path, { id: otherAdmin.userId }, admin.headers.authorization)).status).toBe(403);
    expect((await me(otherAdmin.headers.authorization)).status).toBe(200);
    expect((await call(sessionsRoute.DELETE as Route, 'DELETE', path, { id: otherAdmin.userId }, owner.headers.authorization)).status).toBe(200);
    expect((await me(otherAdmin.headers.authorization)).status).toBe(401);
  });
});

describe('emails staff send', () => {
  it('a password reset reaches the mail server with its link; a suspended account is refused (409)', async () => {
    vi.stubEnv('ROSTER_SMTP_URL', smtp.url);
    const stop = startMailer(50);
    try {
      const admin = await bearerFor(await db(), 'admin');
      const member = await bearerFor(await db(), 'member');
      const response = await call(passwordResetRoute.POST as Route, 'POST', `/api/v1/users/${member.userId}/password-reset`, { id: member.userId }, admin.headers.authorization);
      expect(response.status).toBe(202);
      const message = await smtp.waitFor(member.email);
      expect(message.text).toMatch(/\/reset-password\/[A-Za-z0-9_-]{43}/);
      expect(await eventsOf('user.password-reset-sent', member.userId)).toHaveLength(1);

      await (await db()).update(users).set({ status: 'suspended' }).where(eq(users.id, member.userId));
      const refused = await call(passwordResetRoute.POST as Route, 'POST', `/api/v1/users/${member.userId}/password-reset`, { id: member.userId }, admin.headers.authorization);
      expect(refused.status).toBe(409);
    } finally {
      await stop();
      vi.unstubAllEnvs();
    }
  });

  it('a verification link goes only to an unverified address', async () => {
    const admin = await bearerFor(await db(), 'admin');
    const member = await bearerFor(await db(), 'member');
    await (await db()).update(users).set({ emailVerified: false }).where(eq(users.id, member.userId));
    const path = `/api/v1/users/${member.userId}/verification-email`;
    expect((await call(verificationRoute.POST as Route, 'POST', path, { id: member.userId }, admin.headers.authorization)).status).toBe(202);
    const queued = await (await db()).select().from(mailOutbox).where(eq(mailOutbox.recipient, member.email));
    expect(queued.map((row) => row.kind)).toEqual(['email-verification']);
    expect(await eventsOf('user.verification-email-sent', member.userId)).toHaveLength(1);

    await (await db()).update(users).set({ emailVerified: true }).where(eq(users.id, member.userId));
    expect((await call(verificationRoute.POST as Route, 'POST', path, { id: member.userId }, admin.headers.authorization)).status).toBe(409);
  });
});

describe('suspension with a reason and an end', () => {
  it('PATCH suspends with both, shows them, ends the sessions; the sweeper lifts it once the end has passed', async () => {
    const admin = await bearerFor(await db(), 'admin');
    const member = await bearerFor(await db(), 'member');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const response = await call(userRoute.PATCH as Route, 'PATCH', `/api/v1/users/${member.userId}`, { id: member.userId }, admin.headers.authorization, {
      status: 'suspended',
      suspensionReason: 'Chargeback under review',
      suspendedUntil: until,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'suspended', suspensionReason: 'Chargeback under review', suspendedUntil: until });
    expect((await me(member.headers.authorization)).status).toBe(401);
    const [suspended] = await eventsOf('user.updated', member.userId);
    expect(suspended!.changes).toMatchObject({ status: { before: 'active', after: 'suspended' }, suspensionReason: { before: null, after: 'Chargeback under review' }, suspendedUntil: { before: null, after: until } });

    // Not yet: the end is an hour away.
    expect(await liftEndedSuspensions(await db())).toBe(0);
    expect(await liftEndedSuspensions(await db(), new Date(Date.parse(until) + 1000))).toBe(1);
    const [row] = await (await db()).select().from(users).where(eq(users.id, member.userId));
    expect(row).toMatchObject({ status: 'active', suspensionReason: null, suspendedUntil: null });
    const lifted = (await eventsOf('user.updated', member.userId)).find((event) => event.actor === 'system:suspension-expiry');
    expect(lifted).toMatchObject({ changes: { status: { before: 'suspended', after: 'active' } }, data: { reason: SUSPENSION_ENDED } });
    expect(await signIn(await db(), member.email)).toHaveProperty('token');
  });

  it('refuses an end in the past, and terms without status suspended (422); plain suspend still works', async () => {
    const admin = await bearerFor(await db(), 'admin');
    const member = await bearerFor(await db(), 'member');
    const patch = (body: unknown) => call(userRoute.PATCH as Route, 'PATCH', `/api/v1/users/${member.userId}`, { id: member.userId }, admin.headers.authorization, body);
    expect((await patch({ status: 'suspended', suspensionReason: 'x', suspendedUntil: '2000-01-01T00:00:00Z' })).status).toBe(422);
    expect((await patch({ suspensionReason: 'x' })).status).toBe(422);
    const plain = await patch({ status: 'suspended' });
    expect(plain.status).toBe(200);
    expect(await plain.json()).not.toHaveProperty('suspensionReason');
    const active = await patch({ status: 'active' });
    expect(await active.json()).toMatchObject({ status: 'active' });
  });
});
