import 'server-only';
import { hashPassword } from 'better-auth/crypto';
import { and, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '@/db/client';
import { accounts, sessions, users } from '@/db/schema';
import { recordEvent } from '../events';
import { toUserDto } from '../users/dto';
import { Forbidden } from '../errors';
import { emailLink } from '../links';
import { enqueueMail } from '../mail';
import { parseInput } from '../validation';
import { email as emailSchema, password as passwordSchema } from '../users/schemas';
import { spentSendBudget, type MailRequest } from './send-limits';
import { consumeAccountToken, findAccountToken, issueAccountToken } from './tokens';

interface Clock {
  now?: Date;
}

/**
 * "Forgot password?": queues a reset link for an active account with this address. The caller learns nothing
 * about whether the account exists: `accepted` whether or not a link was sent (unknown address, suspended
 * account, or this address's send limit spent). Only the per-IP limit is reported, which says nothing about the
 * address.
 */
export async function requestPasswordReset(db: Database, rawEmail: unknown, { now = new Date(), ...request }: MailRequest & Clock): Promise<'accepted' | 'ip-limited'> {
  const address = parseInput(emailSchema, rawEmail);
  const spent = await spentSendBudget(request, { address });
  if (spent) return spent.budget === 'ip' ? 'ip-limited' : 'accepted';
  await db.transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id, email: users.email, status: users.status }).from(users).where(sql`lower(${users.email}) = ${address}`);
    if (!user || user.status !== 'active') return;
    const token = await issueAccountToken(tx, { purpose: 'password-reset', userId: user.id, address: user.email, now });
    await enqueueMail(tx, { kind: 'password-reset', to: user.email, link: emailLink('reset-password', token) });
  });
  return 'accepted';
}

/**
 * Sets a new password from a reset link (single use, 30 minutes) and ends every session the account had, so
 * whoever knew the old password is signed out. A suspended account can't be reset back into use. Audited as the
 * account's own act.
 */
export async function resetPassword(db: Database, token: unknown, rawPassword: unknown, { now = new Date() }: Clock = {}): Promise<{ userId: string; email: string }> {
  const password = parseInput(passwordSchema, rawPassword);
  // A link that can't be used costs no password hash (anyone may post one): looked up first, and again under lock.
  await findAccountToken(db, 'password-reset', token, now);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const spent = await consumeAccountToken(tx, 'password-reset', token, now);
    const [user] = await tx.select().from(users).where(eq(users.id, spent.userId)).for('update');
    if (!user) throw new Forbidden('This account no longer exists.');
    if (user.status !== 'active') throw new Forbidden('This account is suspended.');
    const updated = await tx
      .update(accounts)
      .set({ password: passwordHash, updatedAt: now })
      .where(and(eq(accounts.userId, user.id), eq(accounts.providerId, 'credential')))
      .returning({ id: accounts.id });
    // An account that signed in only through single sign-on gets its first password.
    if (updated.length === 0) await tx.insert(accounts).values({ id: uuidv7(), accountId: user.id, providerId: 'credential', userId: user.id, password: passwordHash });
    const ended = await tx.delete(sessions).where(eq(sessions.userId, user.id)).returning({ id: sessions.id });
    await recordEvent(tx, { kind: 'user', door: 'console', userId: user.id, role: user.role }, {
      type: 'user.password-reset',
      subject: { type: 'user', id: user.id },
      changes: { sessions: { before: ended.length, after: 0 } },
      data: { user: toUserDto(user) },
    });
    return { userId: user.id, email: user.email };
  });
}
