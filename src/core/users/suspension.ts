import 'server-only';
import { and, eq, lte } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { users } from '@/db/schema';
import { authorize } from '../authorization';
import type { CoreContext, Principal } from '../principal';
import { parseInput } from '../validation';
import { applyUserChanges, updateUser, type WriteOptions } from './commands';
import type { UserDto } from './dto';
import { suspendUserInput, type SuspendUserInput } from './schemas';

/** Roster itself, lifting suspensions whose end has come. */
const sweeper: Principal = { kind: 'system', door: 'console', name: 'suspension-expiry' };
/** What the lifting event gives as its reason. */
export const SUSPENSION_ENDED = 'suspension ended';

/**
 * Suspends a user with a reason and, optionally, an end: their sessions end at once, and at `until` the expiry
 * sweeper makes them active again. The same rules and event (`user.updated`) as suspending through updateUser.
 */
export async function suspendUser(ctx: CoreContext, id: string, rawInput: SuspendUserInput | unknown, options: WriteOptions = {}): Promise<UserDto> {
  authorize(ctx.principal, 'users:write'); // before reading the input: a stranger learns nothing from field errors
  const { reason, until } = parseInput(suspendUserInput, rawInput);
  return updateUser(ctx, id, { status: 'suspended', suspensionReason: reason, ...(until ? { suspendedUntil: until } : {}) }, options);
}

/**
 * The sweeper's pass: makes active again every user whose suspension ended by `now`, each with a `user.updated`
 * event by `system:suspension-expiry` whose `data.reason` says so. Safe on every instance at once: each lift
 * re-reads its row locked and skips one that changed meanwhile (lifted, or suspended anew).
 */
export async function liftEndedSuspensions(db: Database, now = new Date()): Promise<number> {
  const ended = await db.select({ id: users.id }).from(users).where(endedSuspension(now));
  let lifted = 0;
  for (const { id } of ended) {
    const done = await db.transaction(async (tx) => {
      const [current] = await tx.select().from(users).where(and(eq(users.id, id), endedSuspension(now))).for('update', { skipLocked: true });
      if (!current) return false;
      await applyUserChanges(tx, sweeper, current, { status: 'active', suspensionReason: null, suspendedUntil: null }, 'user.updated', { reason: SUSPENSION_ENDED });
      return true;
    });
    if (done) lifted++;
  }
  return lifted;
}

const endedSuspension = (now: Date) => and(eq(users.status, 'suspended'), lte(users.suspendedUntil, now));
