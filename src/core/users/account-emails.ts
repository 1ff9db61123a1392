import 'server-only';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { authorize } from '../authorization';
import { queueEmailVerification } from '../accounts/email-verification';
import { issueAccountToken } from '../accounts/tokens';
import { Conflict, NotFound } from '../errors';
import { recordEvent } from '../events';
import { emailLink } from '../links';
import { enqueueMail } from '../mail';
import type { CoreContext } from '../principal';
import { isUuid } from '../validation';
import { toUserDto } from './dto';
import { lockManagedUser } from './managed-user';

/** Staff send a user a password-reset link (only an active account's: a suspended one can't be reset into use). */
export async function sendPasswordReset(ctx: CoreContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const user = await lockManagedUser(tx, ctx.principal, id);
    if (user.status !== 'active') throw new SuspendedAccount();
    const token = await issueAccountToken(tx, { purpose: 'password-reset', userId: user.id, address: user.email, now: new Date() });
    await enqueueMail(tx, { kind: 'password-reset', to: user.email, link: emailLink('reset-password', token) });
    await recordEvent(tx, ctx.principal, { type: 'user.password-reset-sent', subject: { type: 'user', id }, changes: {}, data: { user: toUserDto(user) } });
  });
}

/** Staff send an unverified user a new verification link (the older one stops working). A verified address is a 409. */
export async function resendVerificationEmail(ctx: CoreContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const user = await lockManagedUser(tx, ctx.principal, id);
    if (user.emailVerified) throw new Conflict('The address is verified already.');
    await queueEmailVerification(tx, user);
    await recordEvent(tx, ctx.principal, { type: 'user.verification-email-sent', subject: { type: 'user', id }, changes: {}, data: { user: toUserDto(user) } });
  });
}

/** Whether the user proved their address (the staff page offers a new link only while they haven't). */
export async function hasVerifiedEmail(ctx: CoreContext, id: string): Promise<boolean> {
  authorize(ctx.principal, 'users:read');
  if (!isUuid(id)) throw new NotFound('User');
  const [row] = await ctx.db.select({ verified: users.emailVerified }).from(users).where(eq(users.id, id));
  if (!row) throw new NotFound('User');
  return row.verified;
}

class SuspendedAccount extends Conflict {
  override readonly code = 'suspended';
  constructor() {
    super('The account is suspended: unsuspend it before sending a password reset.');
  }
}
