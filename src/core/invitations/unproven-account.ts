import 'server-only';
import { and, eq, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Transaction } from '@/db/client';
import { organizationMembers, organizations, users } from '@/db/schema';
import { Conflict } from '../errors';
import { removeOrganization } from '../organizations/commands';
import type { Principal } from '../principal';
import { removeUser } from '../users/commands';

/**
 * Clears the invited address for the invitee, inside the acceptance's transaction. An account that proved the
 * address (verified) is its holder's: a Conflict, they sign in instead. An account nobody proved it for (a self
 * sign-up whose emailed link was never followed) may be anyone's, squatting the invitation: following the invitation
 * link proves the address, so that account is deleted, with everything it holds (password, sessions, linked sign-ins,
 * second factor, keys, memberships, and the organizations it alone owns), and the invitee gets a new account. Nothing
 * its registrant set survives, and it can't block the invitation. The events are the invitee's doing.
 */
export async function clearInvitedAddress(tx: Transaction, invitee: Principal, email: string): Promise<void> {
  const [holder] = await tx.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).for('update');
  if (!holder) return;
  if (holder.emailVerified) throw new Conflict('An account with this email already exists. Sign in instead.');
  for (const organization of await organizationsOwnedOnlyBy(tx, holder.id)) await removeOrganization(tx, invitee, organization);
  // Not erased by address: the records naming it (the invitation being accepted, its email) are the invitee's.
  await removeUser(tx, invitee, holder, { eraseRecords: false });
}

/** The organizations `userId` is the only owner of, locked. */
async function organizationsOwnedOnlyBy(tx: Transaction, userId: string) {
  const otherOwner = alias(organizationMembers, 'other_owner');
  const rows = await tx
    .select({ organization: organizations })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .leftJoin(otherOwner, and(eq(otherOwner.organizationId, organizationMembers.organizationId), eq(otherOwner.role, 'owner'), ne(otherOwner.userId, userId)))
    .where(and(eq(organizationMembers.userId, userId), eq(organizationMembers.role, 'owner'), sql`${otherOwner.userId} is null`))
    .for('update', { of: organizations });
  return rows.map((row) => row.organization);
}
