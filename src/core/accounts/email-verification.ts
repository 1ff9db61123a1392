import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Database, Transaction } from '@/db/client';
import { users } from '@/db/schema';
import { recordEvent } from '../events';
import { toUserDto } from '../users/dto';
import { emailLink } from '../links';
import { enqueueMail } from '../mail';
import { spendSendLimits, type MailRequest } from './send-limits';
import { consumeAccountToken, issueAccountToken, LinkUnusable } from './tokens';

/**
 * Sends a self-signed-up user a link proving their address. Until it is followed they are not `emailVerified`, so
 * a single sign-on with that address won't link to their account. Limited per client IP and per account
 * (TooManyRequests): the account stays as it is, unverified.
 */
export async function sendEmailVerification(db: Database, userId: string, { now = new Date(), ...request }: MailRequest & { now?: Date }): Promise<void> {
  await spendSendLimits(request, { account: `user:${userId}` });
  await db.transaction(async (tx) => {
    const [user] = await tx.select({ email: users.email, emailVerified: users.emailVerified }).from(users).where(eq(users.id, userId)).for('update');
    if (!user || user.emailVerified) return;
    await queueEmailVerification(tx, { id: userId, email: user.email }, now);
  });
}

/** Queues, in the caller's transaction, a verification link for the user's current address (replacing any older one). */
export async function queueEmailVerification(tx: Transaction, user: { id: string; email: string }, now = new Date()): Promise<void> {
  const token = await issueAccountToken(tx, { purpose: 'email-verification', userId: user.id, address: user.email, now });
  await enqueueMail(tx, { kind: 'email-verification', to: user.email, link: emailLink('verify-email', token) });
}

/**
 * In the transaction of a staff change of a user's address (the user's own change proves the new one first): the
 * old address is told, as after a change the user makes, and the new one is sent a verification link.
 */
export async function reverifyChangedEmail(tx: Transaction, previousEmail: string, user: { id: string; email: string }, now = new Date()): Promise<void> {
  await enqueueMail(tx, { kind: 'email-changed', to: previousEmail });
  await queueEmailVerification(tx, user, now);
}

/** Follows a verification link (single use, 24 hours): the address now counts as verified. */
export async function confirmEmailVerification(db: Database, token: unknown, { now = new Date() }: { now?: Date } = {}): Promise<{ email: string }> {
  return db.transaction(async (tx) => {
    const spent = await consumeAccountToken(tx, 'email-verification', token, now);
    // A link sent to an address the account no longer has proves nothing about the current one.
    const [user] = await tx.update(users).set({ emailVerified: true, updatedAt: now }).where(and(eq(users.id, spent.userId), eq(users.email, spent.address))).returning();
    if (!user) throw new LinkUnusable('expired');
    await recordEvent(tx, { kind: 'user', door: 'console', userId: user.id, role: user.role }, {
      type: 'user.email-verified',
      subject: { type: 'user', id: user.id },
      changes: { emailVerified: { before: false, after: true } },
      data: { user: toUserDto(user) },
    });
    return { email: user.email };
  });
}
