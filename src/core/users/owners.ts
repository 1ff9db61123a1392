import 'server-only';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Transaction } from '@/db/client';
import { users, type UserRow } from '@/db/schema';
import { Conflict } from '../errors';

// One lock for every change that could leave Roster without an active owner: two owners demoting each other
// at once then run one after the other, and the second sees the first's result.
const OWNERS_LOCK = 0x524f535445; // "ROSTE"

const isActiveOwner = (user: Pick<UserRow, 'role' | 'status'>) => user.role === 'owner' && user.status === 'active';

/** Refuses a change (`next` null means deletion) that would remove the last active owner. */
export const lockOwners = (tx: Transaction) => tx.execute(sql`select pg_advisory_xact_lock(${OWNERS_LOCK})`);

export async function assertAnOwnerRemains(
  tx: Transaction,
  current: UserRow,
  next: Pick<UserRow, 'role' | 'status'> | null,
): Promise<void> {
  if (!isActiveOwner(current) || (next && isActiveOwner(next))) return;
  await lockOwners(tx);
  const [other] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'owner'), eq(users.status, 'active'), ne(users.id, current.id)))
    .limit(1);
  if (!other) {
    throw new Conflict('Roster needs at least one active owner: make someone else an owner first.', next ? 'role' : undefined);
  }
}
