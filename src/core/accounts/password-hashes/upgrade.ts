import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { accounts, users } from '@/db/schema';
import { recordEvent } from '../../events';
import { toUserDto } from '../../users/dto';
import { schemeOf } from './schemes';

/**
 * Replaces an imported hash with Roster's own after a sign-in proved the password: compare-and-swap on the old value,
 * so of two sign-ins racing only the first writes and the second (whose old hash is gone) leaves the first's alone.
 * The swap records `user.password-rehashed` (by the user, with the scheme left behind, never a hash) in the same
 * transaction, so the audit trail shows when an imported hash stopped being used. True when this call made the swap.
 */
export async function upgradeImportedHash(db: Database, oldHash: string, newHash: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [swapped] = await tx
      .update(accounts)
      .set({ password: newHash, updatedAt: new Date() })
      .where(and(eq(accounts.providerId, 'credential'), eq(accounts.password, oldHash)))
      .returning({ userId: accounts.userId });
    if (!swapped) return false;
    const [user] = await tx.select().from(users).where(eq(users.id, swapped.userId));
    if (user) {
      await recordEvent(tx, { kind: 'user', door: 'api', userId: user.id, role: user.role }, {
        type: 'user.password-rehashed',
        subject: { type: 'user', id: user.id },
        changes: {},
        data: { user: toUserDto(user), previousScheme: schemeOf(oldHash)?.name ?? null },
      });
    }
    return true;
  });
}
