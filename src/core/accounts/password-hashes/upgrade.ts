import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { accounts } from '@/db/schema';

/**
 * Replaces an imported hash with Roster's own after a sign-in proved the password: compare-and-swap on the old value,
 * so of two sign-ins racing only the first writes and the second (whose old hash is gone) leaves the first's alone.
 * True when this call made the swap.
 */
export async function upgradeImportedHash(db: Database, oldHash: string, newHash: string): Promise<boolean> {
  const swapped = await db
    .update(accounts)
    .set({ password: newHash, updatedAt: new Date() })
    .where(and(eq(accounts.providerId, 'credential'), eq(accounts.password, oldHash)))
    .returning({ id: accounts.id });
  return swapped.length > 0;
}
