import { and, eq } from 'drizzle-orm';
import type { ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { confirmEmailChange, confirmEmailVerification, requestEmailChange, requestPasswordReset, resetPassword, type MailRequest } from '@/core/accounts';
import { acceptInvitation, createInvitation, inspectInvitationLink, resendInvitation, revokeInvitation } from '@/core/invitations';
import { updateUser } from '@/core/users';
import { processDueMail } from '@/core/mail';
import { accountTokens, accounts, auditEvents, invitations, mailOutbox, sessions, users } from '@/db/schema';
import { mailConfigFromEnv, smtpSender } from '@/mail/smtp';
import { mailSendLimits } from '@/rate-limit/mail-limits';
import { describeEachDatabase } from '../support/database';
import { authFor, insertUser, principalFor, signIn, TEST_PASSWORD } from '../support/principals';
import { linksIn, startSmtpServer, type TestSmtpServer } from '../support/smtp';

// Every emailed link, end to end: the change queues a message, the mailer sends it over SMTP to a server the test
// runs, the test reads the link out of the message it received and follows it. Time is passed in explicitly.

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());
afterEach(() => vi.unstubAllEnvs());

const BASE = 'http://localhost:3000';
const DAY = 24 * 60 * 60 * 1000;
let unique = 0;
const address = (label: string) => `${label}-${++unique}-${Date.now()}@example.com`;

/** Sends everything queued and returns the message that reached `to`. */
async function delivered(db: Parameters<typeof processDueMail>[0], to: string): Promise<ParsedMail> {
  const before = smtp.messages.length;
  await processDueMail(db, smtpSender(mailConfigFromEnv({ ROSTER_SMTP_URL: smtp.url })!));
  return smtp.waitFor(to, { after: before });
}

/** The token of the link to `page` in a message, checking the text and HTML parts carry the same link. */
function tokenIn(message: ParsedMail, page: string): string {
  const { text, html } = linksIn(message);
  expect(text).toBe(html);
  const match = new RegExp(`^${BASE}/${page}/([A-Za-z0-9_-]{43})$`).exec(text ?? '');
  expect(match, `a ${page} link in: ${message.text}`).not.toBeNull();
  return match![1]!;
}

/** A request from `ip` (or none known), counted against the real send limits. */
const mail = (ip: string | null = null): MailRequest => ({ ip, sendLimits: mailSendLimits });

const tamper = (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

describeEachDatabase('invitations', (db) => {
  it('an admin invites a viewer; the link (stored only as a hash) sets a name and password once, and the account signs in', async () => {
    const admin = await principalFor(db(), 'admin');
    const email = address('invitee');
    const invitation = await createInvitation({ db: db(), principal: admin }, { email: email.toUpperCase(), role: 'viewer' }, mail());
    expect(invitation).toMatchObject({ email, role: 'viewer', status: 'pending', invitedBy: admin.userId, acceptedAt: null, revokedAt: null });

    const message = await delivered(db(), email);
    expect(message.subject).toBe('You are invited to Roster');
    const token = tokenIn(message, 'invite');
    const [row] = await db().select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await db().select().from(invitations))).not.toContain(token);
    expect(JSON.stringify(await db().select().from(mailOutbox))).not.toContain(token);
    expect(await inspectInvitationLink(db(), token)).toEqual({ state: 'pending', email, role: 'viewer', organization: null, hasAccount: false, replacesUnverifiedAccount: false });

    const { userId } = await acceptInvitation(db(), token, { name: 'Vera Viewer', password: 'a-new-password' });
    const [user] = await db().select().from(users).where(eq(users.id, userId));
    expect(user).toMatchObject({ email, name: 'Vera Viewer', role: 'viewer', status: 'active', emailVerified: true });
    await signIn(db(), email, 'a-new-password');
    const actions = (await db().select().from(auditEvents)).map((event) => [event.action, event.actor]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['invitation.created', `user:${admin.userId}`],
        ['user.created', `user:${userId}`],
        ['invitation.accepted', `user:${userId}`],
      ]),
    );

    await expect(acceptInvitation(db(), token, { name: 'Again', password: 'a-new-password' })).rejects.toThrow('already accepted');
    expect(await inspectInvitationLink(db(), token)).toEqual({ state: 'accepted' });
    expect(await db().select().from(users).where(eq(users.email, email))).toHaveLength(1);
  });

  it('expires after 7 days; a tampered or malformed link is unknown', async () => {
    const owner = await principalFor(db(), 'owner');
    const email = address('late');
    const sentAt = new Date('2026-01-01T00:00:00Z');
    await createInvitation({ db: db(), principal: owner }, { email, role: 'admin' }, { ...mail(), now: sentAt });
    const token = tokenIn(await delivered(db(), email), 'invite');

    expect(await inspectInvitationLink(db(), tamper(token), { now: sentAt })).toEqual({ state: 'unknown' });
    expect(await inspectInvitationLink(db(), 'short', { now: sentAt })).toEqual({ state: 'unknown' });
    await expect(acceptInvitation(db(), tamper(token), { name: 'X', password: 'a-new-password' }, { now: sentAt })).rejects.toThrow('not valid');
    const expiry = new Date(sentAt.getTime() + 7 * DAY);
    expect(await inspectInvitationLink(db(), token, { now: expiry })).toEqual({ state: 'expired' });
    await expect(acceptInvitation(db(), token, { name: 'X', password: 'a-new-password' }, { now: expiry })).rejects.toThrow('expired');
    const { userId } = await acceptInvitation(db(), token, { name: 'Just in time', password: 'a-new-password' }, { now: new Date(expiry.getTime() - 1) });
    expect((await db().select().from(users).where(eq(users.id, userId)))[0]!.role).toBe('admin');
  });

  it('follows the role rules: admins invite below admin, viewers and keys without write invite nobody', async () => {
    const admin = await principalFor(db(), 'admin');
    await expect(createInvitation({ db: db(), principal: admin }, { email: address('a'), role: 'admin' }, mail())).rejects.toMatchObject({ code: 'forbidden' });
    await expect(createInvitation({ db: db(), principal: await principalFor(db(), 'viewer') }, { email: address('v') }, mail())).rejects.toMatchObject({ code: 'forbidden' });
    await expect(createInvitation({ db: db(), principal: { kind: 'anonymous', door: 'api' } }, { email: address('n') }, mail())).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(createInvitation({ db: db(), principal: admin }, { email: 'not an email', role: 'root' }, mail())).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [
        { path: ['email'], message: 'Enter a valid email address' },
        { path: ['role'], message: 'Role must be one of: member, viewer, admin, owner' },
      ],
    });
    expect(await db().select().from(invitations)).toEqual([]);
    expect(await db().select().from(mailOutbox)).toEqual([]);
  });

  it('refuses an address that has an account or an open invitation; resending replaces the link; revoking ends it', async () => {
    const admin = await principalFor(db(), 'admin');
    // A verified one: an unproven account doesn't block an invitation (squatted-invitations.test.ts).
    const existing = await insertUser(db(), 'member');
    await db().update(users).set({ emailVerified: true }).where(eq(users.id, existing.id));
    await expect(createInvitation({ db: db(), principal: admin }, { email: existing.email }, mail())).rejects.toMatchObject({ code: 'conflict', field: 'email' });

    const email = address('again');
    const invitation = await createInvitation({ db: db(), principal: admin }, { email }, mail());
    await expect(createInvitation({ db: db(), principal: admin }, { email }, mail())).rejects.toThrow('already invited');
    const first = tokenIn(await delivered(db(), email), 'invite');
    await resendInvitation({ db: db(), principal: admin }, invitation.id, mail());
    const second = tokenIn(await delivered(db(), email), 'invite');
    expect(second).not.toBe(first);
    expect(await inspectInvitationLink(db(), first)).toEqual({ state: 'unknown' });
    expect((await inspectInvitationLink(db(), second)).state).toBe('pending');

    const revoked = await revokeInvitation({ db: db(), principal: admin }, invitation.id);
    expect(revoked.status).toBe('revoked');
    expect(await inspectInvitationLink(db(), second)).toEqual({ state: 'revoked' });
    await expect(resendInvitation({ db: db(), principal: admin }, invitation.id, mail())).rejects.toThrow('revoked');
    // Once withdrawn, the address can be invited afresh.
    expect((await createInvitation({ db: db(), principal: admin }, { email }, mail())).status).toBe('pending');
  });

  it('accepting for single sign-on creates the account with no password', async () => {
    const admin = await principalFor(db(), 'admin');
    const email = address('sso');
    await createInvitation({ db: db(), principal: admin }, { email }, mail());
    const token = tokenIn(await delivered(db(), email), 'invite');
    const { userId } = await acceptInvitation(db(), token, { name: 'Single Sign' });
    expect(await db().select().from(accounts).where(eq(accounts.userId, userId))).toEqual([]);
    expect((await db().select().from(users).where(eq(users.id, userId)))[0]!.emailVerified).toBe(true);
  });
});

describeEachDatabase('password reset', (db) => {
  it('mails a single-use link to an active account; the reset ends every session and is audited', async () => {
    const user = await insertUser(db(), 'member', { password: true, email: address('forgetful') });
    await signIn(db(), user.email);
    await signIn(db(), user.email);
    const requestedAt = new Date();
    expect(await requestPasswordReset(db(), user.email.toUpperCase(), { ...mail('203.0.113.10'), now: requestedAt })).toBe('accepted');
    const message = await delivered(db(), user.email);
    expect(message.subject).toBe('Reset your Roster password');
    const token = tokenIn(message, 'reset-password');
    expect(JSON.stringify(await db().select().from(accountTokens))).not.toContain(token);

    await resetPassword(db(), token, 'brand-new-password', { now: new Date(requestedAt.getTime() + 60_000) });
    expect(await db().select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    await signIn(db(), user.email, 'brand-new-password');
    await expect(signIn(db(), user.email)).rejects.toThrow(/401/);
    const [event] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'user.password-reset'));
    expect(event).toMatchObject({ actor: `user:${user.id}`, subjectId: user.id, changes: { sessions: { before: 2, after: 0 } } });

    await expect(resetPassword(db(), token, 'another-new-password', { now: new Date(requestedAt.getTime() + 120_000) })).rejects.toThrow('already used');
  });

  it('answers the same whether or not the address has an active account, and mails only the active one', async () => {
    const active = await insertUser(db(), 'member', { password: true, email: address('active') });
    const suspended = await insertUser(db(), 'member', { password: true, email: address('suspended'), status: 'suspended' });
    const ip = '203.0.113.11';
    const answers = [
      await requestPasswordReset(db(), active.email, mail(ip)),
      await requestPasswordReset(db(), address('nobody'), mail(ip)),
      await requestPasswordReset(db(), suspended.email, mail(ip)),
    ];
    expect(answers).toEqual(['accepted', 'accepted', 'accepted']);
    expect((await db().select().from(mailOutbox)).map((row) => row.recipient)).toEqual([active.email]);
    await expect(requestPasswordReset(db(), 'not-an-address', mail(ip))).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('expires after 30 minutes, refuses a tampered link, and a newer link replaces an older one', async () => {
    const user = await insertUser(db(), 'member', { password: true, email: address('slow') });
    const requestedAt = new Date();
    await requestPasswordReset(db(), user.email, { ...mail('203.0.113.12'), now: requestedAt });
    const first = tokenIn(await delivered(db(), user.email), 'reset-password');
    await expect(resetPassword(db(), first, 'brand-new-password', { now: new Date(requestedAt.getTime() + 30 * 60_000) })).rejects.toThrow('expired');
    await expect(resetPassword(db(), tamper(first), 'brand-new-password', { now: requestedAt })).rejects.toThrow('not valid');
    await expect(resetPassword(db(), first, 'short', { now: requestedAt })).rejects.toMatchObject({ code: 'validation_failed' });

    await requestPasswordReset(db(), user.email, { ...mail('203.0.113.12'), now: requestedAt });
    const second = tokenIn(await delivered(db(), user.email), 'reset-password');
    await expect(resetPassword(db(), first, 'brand-new-password', { now: requestedAt })).rejects.toThrow('already used');
    await resetPassword(db(), second, 'brand-new-password', { now: new Date(requestedAt.getTime() + 30 * 60_000 - 1) });
    await signIn(db(), user.email, 'brand-new-password');
  });

  it('a suspended account can\'t be reset back into use, even with a link sent before', async () => {
    const user = await insertUser(db(), 'member', { password: true, email: address('later-suspended') });
    await requestPasswordReset(db(), user.email, mail('203.0.113.13'));
    const token = tokenIn(await delivered(db(), user.email), 'reset-password');
    await db().update(users).set({ status: 'suspended' }).where(eq(users.id, user.id));
    await expect(resetPassword(db(), token, 'brand-new-password')).rejects.toThrow('suspended');
    await db().update(users).set({ status: 'active' }).where(eq(users.id, user.id));
    await signIn(db(), user.email);
  });

  it('limits sends per address (silently) and per IP (said plainly)', async () => {
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_ADDRESS', '2/3600');
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_IP', '4/3600');
    const user = await insertUser(db(), 'member', { password: true, email: address('popular') });
    const ip = `203.0.113.${100 + unique}`;
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await requestPasswordReset(db(), user.email, mail(ip)));
    expect(answers).toEqual(['accepted', 'accepted', 'accepted']);
    expect(await db().select().from(mailOutbox)).toHaveLength(2);
    expect(await requestPasswordReset(db(), address('other'), mail(ip))).toBe('accepted');
    expect(await requestPasswordReset(db(), address('another'), mail(ip))).toBe('ip-limited');
  });
});

describeEachDatabase('email verification', (db) => {
  it('a self sign-up is unverified until the link sent to it is followed, once', async () => {
    const email = address('self');
    const auth = await authFor(db());
    await auth.api.signUpEmail({ body: { email, password: TEST_PASSWORD, name: 'Self Starter' } });
    const [user] = await db().select().from(users).where(eq(users.email, email));
    expect(user!.emailVerified).toBe(false);
    const message = await delivered(db(), email);
    expect(message.subject).toBe('Confirm your email for Roster');
    const token = tokenIn(message, 'verify-email');

    await expect(confirmEmailVerification(db(), tamper(token))).rejects.toThrow('not valid');
    await confirmEmailVerification(db(), token);
    expect((await db().select().from(users).where(eq(users.id, user!.id)))[0]!.emailVerified).toBe(true);
    expect((await db().select().from(auditEvents).where(eq(auditEvents.action, 'user.email-verified')))[0]).toMatchObject({ actor: `user:${user!.id}` });
    await expect(confirmEmailVerification(db(), token)).rejects.toThrow('already used');
    await expect(confirmEmailVerification(db(), token, { now: new Date(Date.now() + 2 * DAY) })).rejects.toThrow(/already used|expired/);
  });

  it('staff-created users need no verification mail', async () => {
    const owner = await principalFor(db(), 'owner');
    const { createUser } = await import('@/core/users');
    await createUser({ db: db(), principal: owner }, { email: address('staffmade'), name: 'Made by staff' });
    expect(await db().select().from(mailOutbox)).toEqual([]);
  });
});

describeEachDatabase('change of email', (db) => {
  it('is confirmed from the new address and told to the old one; audited as the user\'s own change', async () => {
    const user = await insertUser(db(), 'member', { password: true, email: address('mover') });
    const principal = { kind: 'user' as const, door: 'api' as const, userId: user.id, role: 'member' as const };
    const newEmail = address('moved');
    expect(await requestEmailChange({ db: db(), principal }, { email: newEmail.toUpperCase() }, mail())).toEqual({ email: newEmail });
    expect((await db().select().from(users).where(eq(users.id, user.id)))[0]!.email).toBe(user.email);
    const message = await delivered(db(), newEmail);
    expect(message.subject).toBe('Confirm your new email for Roster');
    const token = tokenIn(message, 'confirm-email');

    expect(await confirmEmailChange(db(), token)).toEqual({ userId: user.id, email: newEmail });
    const [after] = await db().select().from(users).where(eq(users.id, user.id));
    expect(after).toMatchObject({ email: newEmail, emailVerified: true, version: user.version + 1 });
    const notice = await delivered(db(), user.email);
    expect(notice.subject).toBe('Your Roster email was changed');
    expect(linksIn(notice)).toEqual({ text: undefined, html: undefined });
    const [event] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'user.email-changed'), eq(auditEvents.subjectId, user.id)));
    expect(event).toMatchObject({ actor: `user:${user.id}`, changes: { email: { before: user.email, after: newEmail } } });
    await expect(confirmEmailChange(db(), token)).rejects.toThrow('already used');
    await signIn(db(), newEmail);
  });

  it('never says whether the new address is taken; confirming then fails and changes nothing', async () => {
    const user = await insertUser(db(), 'member', { password: true, email: address('hopeful') });
    const other = await insertUser(db(), 'member', { email: address('taken') });
    const principal = { kind: 'user' as const, door: 'console' as const, userId: user.id, role: 'member' as const };
    await requestEmailChange({ db: db(), principal }, { email: other.email }, mail());
    const token = tokenIn(await delivered(db(), other.email), 'confirm-email');
    await expect(confirmEmailChange(db(), token)).rejects.toThrow('belongs to another account');
    expect((await db().select().from(users).where(eq(users.id, user.id)))[0]!.email).toBe(user.email);
  });

  it('by staff: immediate, the old address is told and the new one is unverified until its link is followed', async () => {
    const owner = await principalFor(db(), 'owner');
    const user = await insertUser(db(), 'member', { email: address('staff-moved') });
    await db().update(users).set({ emailVerified: true }).where(eq(users.id, user.id));
    const newEmail = address('staff-target');
    expect(await updateUser({ db: db(), principal: owner }, user.id, { email: newEmail })).toMatchObject({ email: newEmail, version: user.version + 1 });
    expect((await db().select().from(users).where(eq(users.id, user.id)))[0]).toMatchObject({ email: newEmail, emailVerified: false });
    const [event] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'user.updated'), eq(auditEvents.subjectId, user.id)));
    expect(event).toMatchObject({ actor: `user:${owner.userId}`, changes: { email: { before: user.email, after: newEmail }, emailVerified: { before: true, after: false } } });

    const before = smtp.messages.length;
    const notice = await delivered(db(), user.email);
    expect(notice.subject).toBe('Your Roster email was changed');
    const verification = await smtp.waitFor(newEmail, { after: before });
    expect(verification.subject).toBe('Confirm your email for Roster');
    await confirmEmailVerification(db(), tokenIn(verification, 'verify-email'));
    expect((await db().select().from(users).where(eq(users.id, user.id)))[0]!.emailVerified).toBe(true);

    // A change that fails (the address is taken) changes nothing and queues nothing.
    const other = await insertUser(db(), 'member', { email: address('taken-by-staff') });
    await expect(updateUser({ db: db(), principal: owner }, user.id, { email: other.email })).rejects.toMatchObject({ code: 'conflict' });
    expect(await db().select().from(mailOutbox).where(eq(mailOutbox.status, 'pending'))).toEqual([]);
  });

  it('belongs to signed-in users only, refuses the current address, and expires after a day', async () => {
    const user = await insertUser(db(), 'member', { email: address('me') });
    const principal = { kind: 'user' as const, door: 'console' as const, userId: user.id, role: 'member' as const };
    await expect(requestEmailChange({ db: db(), principal: { kind: 'anonymous', door: 'api' } }, { email: address('x') }, mail())).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(requestEmailChange({ db: db(), principal: { kind: 'apiKey', door: 'api', keyId: 'k', scopes: ['users:write'] } }, { email: address('x') }, mail())).rejects.toMatchObject({ code: 'forbidden' });
    await expect(requestEmailChange({ db: db(), principal }, { email: user.email }, mail())).rejects.toMatchObject({ code: 'conflict', field: 'email' });
    await expect(requestEmailChange({ db: db(), principal }, { email: address('x'), role: 'owner' }, mail())).rejects.toMatchObject({ code: 'validation_failed' });
    const requestedAt = new Date();
    const newEmail = address('eventually');
    await requestEmailChange({ db: db(), principal }, { email: newEmail }, { ...mail(), now: requestedAt });
    const token = tokenIn(await delivered(db(), newEmail), 'confirm-email');
    await expect(confirmEmailChange(db(), token, { now: new Date(requestedAt.getTime() + DAY) })).rejects.toThrow('expired');
  });
});
