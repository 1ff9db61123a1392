import 'server-only';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Transaction } from '@/db/client';
import { scimGroupMembers, scimGroups, scimUsers } from '@/db/schema';
import type { OrgRole } from '../organizations/schemas';

// A provisioned member's organization role is the highest of their own (scim_users.own_role) and the roles their
// groups grant; organization_members.role holds that effective role, so authorization reads one column. Every door
// that changes either side (group membership and bindings here, a console or API role change) recomputes it.

const rank: Record<OrgRole, number> = { member: 1, admin: 2, owner: 3 };

/** The higher of two organization roles. */
export const higherRole = (a: OrgRole, b: OrgRole): OrgRole => (rank[b] > rank[a] ? b : a);

/** For each of `userIds` provisioned in the organization: their own role and the highest role their groups grant (or null). */
export async function scimRoleSources(tx: Transaction, organizationId: string, userIds: string[]): Promise<Map<string, { ownRole: OrgRole; granted: OrgRole | null }>> {
  const sources = new Map<string, { ownRole: OrgRole; granted: OrgRole | null }>();
  if (userIds.length === 0) return sources;
  const own = await tx
    .select({ userId: scimUsers.userId, ownRole: scimUsers.ownRole })
    .from(scimUsers)
    .where(and(eq(scimUsers.organizationId, organizationId), inArray(scimUsers.userId, userIds)));
  for (const row of own) sources.set(row.userId, { ownRole: row.ownRole, granted: null });
  const grants = await tx
    .select({ userId: scimGroupMembers.userId, role: scimGroups.role })
    .from(scimGroupMembers)
    .innerJoin(scimGroups, eq(scimGroups.id, scimGroupMembers.groupId))
    .where(and(eq(scimGroups.organizationId, organizationId), isNotNull(scimGroups.role), inArray(scimGroupMembers.userId, userIds)));
  for (const grant of grants) {
    const source = sources.get(grant.userId);
    if (source && grant.role) source.granted = source.granted ? higherRole(source.granted, grant.role) : grant.role;
  }
  return sources;
}

/** Sets a provisioned member's own role (the one a console or API role change names); groups still raise it. */
export async function setScimOwnRole(tx: Transaction, organizationId: string, userId: string, role: OrgRole): Promise<void> {
  await tx
    .update(scimUsers)
    .set({ ownRole: role })
    .where(and(eq(scimUsers.organizationId, organizationId), eq(scimUsers.userId, userId)));
}
