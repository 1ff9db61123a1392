import 'server-only';
import { queueEmailVerification } from '../accounts/email-verification';
import { issueAccountToken } from '../accounts/tokens';
import { Conflict } from '../errors';
import { recordEvent } from '../events';
import { emailLink } from '../links';
import { enqueueMail } from '../mail';
import type { CoreContext } from '../principal';
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

class SuspendedAccount extends Conflict {
  override readonly code = 'suspended';
  constructor() {
    super('The account is suspended: unsuspend it before sending a password reset.');
  }
}
