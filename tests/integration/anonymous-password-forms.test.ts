import { hashPassword } from 'better-auth/crypto';
import { eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { idleState } from '@/actions/action-state';
import { LinkUnusable, resetPassword } from '@/core/accounts';
import { issueAccountToken } from '@/core/accounts/tokens';
import { acceptInvitation, InvitationUnusable } from '@/core/invitations';
import { hashLinkToken, newLinkToken } from '@/core/link-tokens';
import { createOwner } from '@/core/users';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { accountTokens, invitations, users, type InvitationRow } from '@/db/schema';
import { acceptInvitationAction } from '../../app/invite/actions';
import { resetPasswordAction } from '../../app/reset-password/actions';
import { setupOwnerAction } from '../../app/setup/actions';
import { formData, redirectTarget } from '../support/actions';
import { fromClient } from '../support/client-ip';
import { describeEachDatabase, truncateAll } from '../support/database';
import { requestHeaders } from '../support/next-headers';
import { insertUser, systemPrincipal } from '../support/principals';

// The forms anyone may post without signing in (first setup, accepting an invitation, resetting a password) each
// set a password, and a password hash (scrypt) costs CPU and memory on purpose. So a post that can't succeed (setup
// already done, a link that doesn't work) is turned away before any hash, and each client IP gets only so many posts.

vi.mock('better-auth/crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('better-auth/crypto')>();
  return { ...original, hashPassword: vi.fn(original.hashPassword) };
});
vi.mock('next/cache', () => ({ refresh: vi.fn(), updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn(), unstable_cache: (fn: unknown) => fn }));
vi.mock('next/headers', async () => (await import('../support/next-headers')).nextHeadersMock);

const PASSWORD = 'a long enough password';
const HOUR = 60 * 60 * 1000;
const hashes = vi.mocked(hashPassword);

/** An invitation whose link token the test knows (the real one is only ever in the email). */
async function invitation(db: Database, fields: Partial<InvitationRow> = {}): Promise<string> {
  const token = newLinkToken();
  const email = `invitee-${uuidv7()}@example.com`;
  await db.insert(invitations).values({ id: uuidv7(), email, role: 'viewer', tokenHash: hashLinkToken(token), expiresAt: new Date(Date.now() + HOUR), ...fields });
  return token;
}

async function resetToken(db: Database): Promise<string> {
  const user = await insertUser(db, 'member', { password: true });
  return db.transaction((tx) => issueAccountToken(tx, { purpose: 'password-reset', userId: user.id, address: user.email, now: new Date() }));
}

describeEachDatabase('no password hash before the cheap checks', (db) => {
  beforeEach(() => {
    hashes.mockClear();
  });

  it('first setup: once an owner exists, an anonymous call is refused unhashed; operators still create owners', async () => {
    await insertUser(db(), 'owner');
    hashes.mockClear();
    const anonymous = { db: db(), principal: { kind: 'anonymous', door: 'console' } as const };
    await expect(createOwner(anonymous, { email: 'late@example.com', name: 'Late', password: PASSWORD })).rejects.toThrow('Setup is complete');
    expect(hashes).not.toHaveBeenCalled();

    await createOwner({ db: db(), principal: systemPrincipal() }, { email: 'second@example.com', name: 'Second', password: PASSWORD });
    expect(hashes).toHaveBeenCalledTimes(1);
  });

  it('accepting an invitation: an unknown, expired, revoked or accepted link is refused unhashed', async () => {
    const links = {
      unknown: newLinkToken(),
      malformed: 'not-a-token',
      expired: await invitation(db(), { expiresAt: new Date(Date.now() - HOUR) }),
      revoked: await invitation(db(), { revokedAt: new Date() }),
      accepted: await invitation(db(), { acceptedAt: new Date() }),
    };
    for (const [state, token] of Object.entries(links)) {
      const refusal = acceptInvitation(db(), token, { name: 'Gatecrasher', password: PASSWORD });
      await expect(refusal, state).rejects.toBeInstanceOf(InvitationUnusable);
    }
    expect(hashes).not.toHaveBeenCalled();

    const { email } = await acceptInvitation(db(), await invitation(db()), { name: 'Invited', password: PASSWORD });
    expect(hashes).toHaveBeenCalledTimes(1);
    expect(await db().select({ role: users.role }).from(users).where(eq(users.email, email))).toEqual([{ role: 'viewer' }]);
  });

  it('resetting a password: an unknown, used or expired link is refused unhashed', async () => {
    const used = await resetToken(db());
    await db().update(accountTokens).set({ usedAt: new Date() }).where(eq(accountTokens.tokenHash, hashLinkToken(used)));
    const fresh = await resetToken(db());
    hashes.mockClear();

    await expect(resetPassword(db(), newLinkToken(), PASSWORD)).rejects.toEqual(new LinkUnusable('unknown'));
    await expect(resetPassword(db(), used, PASSWORD)).rejects.toEqual(new LinkUnusable('used'));
    await expect(resetPassword(db(), fresh, PASSWORD, { now: new Date(Date.now() + HOUR) })).rejects.toEqual(new LinkUnusable('expired'));
    expect(hashes).not.toHaveBeenCalled();

    await resetPassword(db(), fresh, PASSWORD);
    expect(hashes).toHaveBeenCalledTimes(1);
  });
});

describe('per-IP limits on the anonymous password forms', () => {
  const db = async () => (await getDatabase()).db;
  let ipSequence = 0;
  /** Posts the next form as the browser at `ip` would. */
  const from = (ip: string) => requestHeaders.set(fromClient(ip));
  const freshIp = () => `198.51.100.${++ipSequence}`;
  const overLimit = { status: 'error', message: expect.stringMatching(/^Too many requests\. Try again in ([1-9]|[1-5][0-9]|60) seconds?\.$/) };

  beforeEach(async () => {
    await truncateAll(await db());
    vi.stubEnv('ROSTER_AUTH_RATE_LIMIT_IP', '2/60');
  });
  afterEach(() => vi.unstubAllEnvs());

  it('reset password: the third post from one IP is refused, unhashed, with how long to wait; another IP gets through', async () => {
    const attacker = freshIp();
    const post = () => resetPasswordAction(idleState, formData({ token: newLinkToken(), password: PASSWORD, confirmPassword: PASSWORD }));
    const unknownLink = { status: 'error', message: new LinkUnusable('unknown').message };
    hashes.mockClear();
    from(attacker);
    for (let i = 0; i < 2; i++) expect(await post()).toMatchObject(unknownLink);
    expect(await post()).toMatchObject(overLimit);
    from(freshIp());
    expect(await post()).toMatchObject(unknownLink);
    expect(hashes).not.toHaveBeenCalled();
  });

  it('accepting an invitation: the third post from one IP is refused, with how long to wait; another IP gets through', async () => {
    const attacker = freshIp();
    const post = () => acceptInvitationAction(idleState, formData({ token: newLinkToken(), name: 'Gatecrasher', password: PASSWORD, confirmPassword: PASSWORD }));
    const unknownLink = { status: 'error', message: new InvitationUnusable('unknown').message };
    from(attacker);
    for (let i = 0; i < 2; i++) expect(await post()).toMatchObject(unknownLink);
    expect(await post()).toMatchObject(overLimit);
    from(freshIp());
    expect(await post()).toMatchObject(unknownLink);
  });

  it('first setup: the third post from one IP is refused, with how long to wait, and creates nobody', async () => {
    await insertUser(await db(), 'owner');
    const attacker = freshIp();
    const post = () => setupOwnerAction(idleState, formData({ email: 'late@example.com', name: 'Late', password: PASSWORD }));
    from(attacker);
    for (let i = 0; i < 2; i++) expect(await redirectTarget(post)).toBe('/sign-in');
    expect(await post()).toMatchObject(overLimit);
    from(freshIp());
    expect(await redirectTarget(post)).toBe('/sign-in');
    expect(await (await db()).select().from(users).where(eq(users.email, 'late@example.com'))).toEqual([]);
  });
});
