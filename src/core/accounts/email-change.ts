import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '@/db/client';
import { users } from '@/db/schema';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../db-errors';
import { Conflict, Forbidden, Unauthenticated } from '../errors';
import { emailLink } from '../links';
import { enqueueMail } from '../mail';
import { actorOf, type CoreContext, type Principal } from '../principal';
import { parseInput } from '../validation';
import { refuseWhileImpersonating } from '../impersonation/rules';
import { applyUserChanges, lockUser } from '../users/commands';
import { email } from '../users/schemas';
import { spendSendLimits, type MailRequest } from './send-limits';
import { consumeAccountToken, issueAccountToken } from './tokens';

export const requestEmailChangeInput = z.strictObject(
  { email },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'Unknown field: only email can be sent here' : 'Expected a JSON object') },
);

function selfOf(principal: Principal): Extract<Principal, { kind: 'user' }> {
  if (principal.kind === 'user') return principal;
  if (principal.kind === 'anonymous') throw new Unauthenticated('Sign in or send a bearer token to do this.');
  throw new Forbidden('Only a signed-in user can change their own email.');
}

/**
 * A user's own change of email: nothing changes until the link sent to the new address is followed. Whether the
 * new address is already someone's is not said here (that would let anyone probe for accounts); confirming then
 * fails instead. Limited per client IP, per account and per new address (TooManyRequests).
 */
export async function requestEmailChange(ctx: CoreContext, rawInput: unknown, { now = new Date(), ...request }: MailRequest & { now?: Date }): Promise<{ email: string }> {
  const self = selfOf(ctx.principal);
  refuseWhileImpersonating(self, 'changing the email');
  const input = parseInput(requestEmailChangeInput, rawInput);
  await spendSendLimits(request, { account: actorOf(self), address: input.email });
  await ctx.db.transaction(async (tx) => {
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, self.userId));
    if (!user) throw new Unauthenticated('Your account no longer exists.');
    if (user.email.toLowerCase() === input.email) throw new Conflict('This is already your email.', 'email');
    const token = await issueAccountToken(tx, { purpose: 'email-change', userId: self.userId, address: input.email, now });
    await enqueueMail(tx, { kind: 'email-change', to: input.email, link: emailLink('confirm-email', token) });
  });
  return { email: input.email };
}

/**
 * Follows the link sent to the new address (single use, 24 hours): the address becomes the user's, verified, and
 * the old address is told. Audited as the user's own change.
 */
export async function confirmEmailChange(db: Database, token: unknown, { now = new Date() }: { now?: Date } = {}): Promise<{ userId: string; email: string }> {
  try {
    return await db.transaction(async (tx) => {
      const spent = await consumeAccountToken(tx, 'email-change', token, now);
      const current = await lockUser(tx, spent.userId, {});
      const principal: Principal = { kind: 'user', door: 'console', userId: current.id, role: current.role };
      const [taken] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${spent.address}`);
      if (taken) throw new Conflict('This address now belongs to another account, so it can’t become yours.');
      const row = await applyUserChanges(tx, principal, current, { email: spent.address }, 'user.email-changed');
      await tx.update(users).set({ emailVerified: true }).where(eq(users.id, row.id));
      await enqueueMail(tx, { kind: 'email-changed', to: current.email });
      return { userId: row.id, email: row.email };
    });
  } catch (error) {
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) throw new Conflict('This address now belongs to another account, so it can’t become yours.');
    throw error;
  }
}
