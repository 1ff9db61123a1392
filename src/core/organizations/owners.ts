import 'server-only';
import { and, eq, ne } from 'drizzle-orm';
import type { Transaction } from '@/db/client';
import { organizationMembers, organizations, type OrganizationRow } from '@/db/schema';
import { Conflict, NotFound } from '../errors';
import { checkVersion, type WriteOptions } from '../versions';

/**
 * Locks the organization's row for the rest of the transaction: every change to its owners (and to it) takes this
 * lock first, as the database's own trigger does, so they run one after the other. NotFound when it doesn't exist.
 */
export async function lockOrganization(tx: Transaction, id: string, version: WriteOptions = {}): Promise<OrganizationRow> {
  const [row] = await tx.select().from(organizations).where(eq(organizations.id, id)).for('update');
  if (!row) throw new NotFound('Organization');
  checkVersion('organization', row.version, version);
  return row;
}

/** Who is losing the owner role, as the refusal names them. */
export type OwnerLeaving = 'you' | 'member' | 'user';
const subjects: Record<OwnerLeaving, string> = { you: 'You are', member: 'This member is', user: 'This user is' };

/** Refuses to take the owner role from `userId` when no other owner remains (the organization's row is locked). */
export async function assertAnotherOwner(tx: Transaction, organization: OrganizationRow, userId: string, who: OwnerLeaving): Promise<void> {
  const [other] = await tx
    .select({ userId: organizationMembers.userId })
    .from(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, organization.id), eq(organizationMembers.role, 'owner'), ne(organizationMembers.userId, userId)))
    .limit(1);
  if (!other) {
    throw new Conflict(
      `${subjects[who]} the last owner of the organization “${organization.name}” (${organization.slug}): make someone else an owner first, or delete the organization.`,
      who === 'member' ? 'role' : undefined,
    );
  }
}

/** The database's own refusal (trigger organization_members_keep_an_owner): a 409, never a 500. */
export async function withOwnerInvariant<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const cause = error as { constraint?: unknown; cause?: { constraint?: unknown } } | null;
    if ((cause?.cause?.constraint ?? cause?.constraint) === 'organization_members_last_owner') {
      throw new Conflict('Every organization keeps at least one owner: this change would leave one without any. Make someone else an owner first.');
    }
    throw error;
  }
}
