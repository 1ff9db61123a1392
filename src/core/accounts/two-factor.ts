import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { twoFactors, users } from '@/db/schema';
import { recordEvent } from '../events';
import { toUserDto } from '../users/dto';
import { authorize, authorizeAccountChange } from '../authorization';
import { Conflict, NotFound } from '../errors';
import type { CoreContext } from '../principal';
import { isUuid } from '../validation';
import { lockUser } from '../users/commands';

/**
 * Staff: removes a user's second factor (a lost phone), so they sign in with their password alone and can enrol
 * again. Same rules as editing the account (admins only below admin). Audited.
 */
export async function resetTwoFactor(ctx: CoreContext, userId: string): Promise<void> {
  authorize(ctx.principal, 'users:write');
  if (!isUuid(userId)) throw new NotFound('User');
  await ctx.db.transaction(async (tx) => {
    const current = await lockUser(tx, userId, {});
    authorizeAccountChange(ctx.principal, current.role, current.role);
    const removed = await tx.delete(twoFactors).where(eq(twoFactors.userId, userId)).returning({ id: twoFactors.id });
    if (!current.twoFactorEnabled && removed.length === 0) throw new Conflict('This user has no second factor to reset.');
    const [row] = await tx.update(users).set({ twoFactorEnabled: false, version: sql`${users.version} + 1`, updatedAt: new Date() }).where(eq(users.id, userId)).returning();
    await recordEvent(tx, ctx.principal, {
      type: 'user.two-factor-reset',
      subject: { type: 'user', id: userId },
      changes: { twoFactorEnabled: { before: current.twoFactorEnabled, after: false } },
      data: { user: toUserDto(row!) },
    });
  });
}

/** Whether a user signs in with a second factor, for staff looking at the account. */
export async function hasTwoFactor(ctx: CoreContext, userId: string): Promise<boolean> {
  authorize(ctx.principal, 'users:read');
  if (!isUuid(userId)) throw new NotFound('User');
  const [row] = await ctx.db.select({ enabled: users.twoFactorEnabled }).from(users).where(eq(users.id, userId));
  if (!row) throw new NotFound('User');
  return row.enabled;
}
