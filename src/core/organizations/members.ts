import 'server-only';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '@/db/client';
import { organizationMembers, organizations, users, type AuditChanges, type UserRow } from '@/db/schema';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../db-errors';
import { Conflict, NotFound, ValidationFailed } from '../errors';
import { recordEvent, type EventType, type NewEvent } from '../events';
import { decodeCursor, encodeCursor } from '../keyset-cursor';
import type { CoreContext, Principal } from '../principal';
import { higherRole, scimRoleSources, setScimOwnRole } from '../scim/group-roles';
import { isUuid, parseInput } from '../validation';
import { authorizeInOrganization, authorizeOwnerChange } from './access';
import { toMemberDto, type MemberDto, type MemberPage, type MemberRow } from './dto';
import { assertAnotherOwner, lockOrganization, withOwnerInvariant } from './owners';
import { addMemberInput, changeMemberRoleInput, listMembersQuery, type AddMemberInput, type ChangeMemberRoleInput } from './schemas';

/** A membership with its user's email and name: what member DTOs are built from. */
export const memberColumns = {
  organizationId: organizationMembers.organizationId,
  userId: organizationMembers.userId,
  role: organizationMembers.role,
  suspendedAt: organizationMembers.suspendedAt,
  createdAt: organizationMembers.createdAt,
  updatedAt: organizationMembers.updatedAt,
  email: users.email,
  name: users.name,
};

/** One member of one organization: both ids filter, so a user of another organization is "not found". */
export async function readMember(db: Database | Transaction, organizationId: string, userId: string): Promise<MemberRow> {
  const [row] = await db
    .select(memberColumns)
    .from(organizationMembers)
    .innerJoin(users, eq(users.id, organizationMembers.userId))
    .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)));
  if (!row) throw new NotFound('Member');
  return row;
}

/** A member.* event: about the user, in the organization, with the membership as its DTO. */
export async function memberEvent(tx: Transaction, principal: Principal, type: Extract<EventType, `member.${string}`>, member: MemberRow, changes: AuditChanges): Promise<void> {
  await recordEvent(tx, principal, memberEventOf(type, member, changes));
}

/** The member.* event itself, for a caller that records it with others (recordEvents). */
export const memberEventOf = (type: Extract<EventType, `member.${string}`>, member: MemberRow, changes: AuditChanges): NewEvent => ({
  type,
  subject: { type: 'user', id: member.userId },
  organizationId: member.organizationId,
  changes,
  data: { member: toMemberDto(member) },
});

/** The members, oldest first (the founders on top), in keyset pages on (joined at, user id). */
export async function listMembers(ctx: CoreContext, organizationId: string, rawQuery: Record<string, string | undefined>): Promise<MemberPage> {
  const standing = await authorizeInOrganization(ctx, organizationId, 'members:read');
  const query = parseInput(listMembersQuery, rawQuery, 'query');
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  // A member's own membership proved the organization exists; staff, who have none, get a 404 for an unknown one.
  if (standing.plane === 'staff') await assertOrganizationExists(ctx.db, organizationId);
  const rows = await membersInOrder(ctx.db, organizationId, after && { createdAt: after.createdAt, userId: after.id }, query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map(toMemberDto), nextCursor: rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.userId }) : null };
}

export async function assertOrganizationExists(db: Database, organizationId: string): Promise<void> {
  const [organization] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organizationId));
  if (!organization) throw new NotFound('Organization');
}

/** Up to `limit` members after `after` (null: from the first), oldest first: the member list's keyset order. */
export function membersInOrder(db: Database, organizationId: string, after: Pick<MemberRow, 'createdAt' | 'userId'> | null, limit: number): Promise<MemberRow[]> {
  return db
    .select(memberColumns)
    .from(organizationMembers)
    .innerJoin(users, eq(users.id, organizationMembers.userId))
    .where(
      and(
        eq(organizationMembers.organizationId, organizationId),
        after ? sql`(${organizationMembers.createdAt}, ${organizationMembers.userId}) > (${after.createdAt.toISOString()}::timestamptz, ${after.userId}::uuid)` : undefined,
      ),
    )
    .orderBy(asc(organizationMembers.createdAt), asc(organizationMembers.userId))
    .limit(limit);
}

/** Adds an existing user with a role; only owners (and staff) add owners. */
export async function addMember(ctx: CoreContext, organizationId: string, rawInput: AddMemberInput | unknown): Promise<MemberDto> {
  const standing = await authorizeInOrganization(ctx, organizationId, 'members:write');
  const input = parseInput(addMemberInput, rawInput);
  if (input.role === 'owner') authorizeOwnerChange(standing);
  try {
    return await ctx.db.transaction(async (tx) => {
      await lockOrganization(tx, organizationId);
      const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).for('share');
      if (!user) throw new ValidationFailed([{ path: ['userId'], message: 'No user has this id' }]);
      await tx.insert(organizationMembers).values({ organizationId, userId: input.userId, role: input.role });
      const member = await readMember(tx, organizationId, input.userId);
      await memberEvent(tx, ctx.principal, 'member.added', member, { role: { before: null, after: input.role } });
      return toMemberDto(member);
    });
  } catch (error) {
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) throw new Conflict('This user is already a member of the organization: change their role instead.', 'userId');
    throw error;
  }
}

/** Changes a member's role. Granting, removing or changing the owner role is for owners; the last owner stays one. */
export async function changeMemberRole(ctx: CoreContext, organizationId: string, userId: string, rawInput: ChangeMemberRoleInput | unknown): Promise<MemberDto> {
  const standing = await authorizeInOrganization(ctx, organizationId, 'members:write');
  const { role } = parseInput(changeMemberRoleInput, rawInput);
  if (!isUuid(userId)) throw new NotFound('Member');
  return withOwnerInvariant(() =>
    ctx.db.transaction(async (tx) => {
      const organization = await lockOrganization(tx, organizationId);
      const current = await readMember(tx, organizationId, userId);
      // A provisioned member's role is their own raised by their SCIM groups': `role` is their own from now on.
      const provisioned = (await scimRoleSources(tx, organizationId, [userId])).get(userId);
      const effective = provisioned?.granted && role !== 'owner' ? higherRole(role, provisioned.granted) : role;
      const ownChanged = provisioned !== undefined && provisioned.ownRole !== role;
      if (current.role === effective && !ownChanged) return toMemberDto(current);
      if (current.role === 'owner' || role === 'owner') authorizeOwnerChange(standing);
      if (current.role === 'owner' && effective !== 'owner') await assertAnotherOwner(tx, organization, userId, 'member');
      if (ownChanged) await setScimOwnRole(tx, organizationId, userId, role);
      const ownRole: AuditChanges = ownChanged ? { ownRole: { before: provisioned.ownRole, after: role } } : {};
      if (current.role === effective) {
        await memberEvent(tx, ctx.principal, 'member.updated', current, ownRole);
        return toMemberDto(current);
      }
      await tx
        .update(organizationMembers)
        .set({ role: effective, updatedAt: new Date() })
        .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)));
      const member = await readMember(tx, organizationId, userId);
      await memberEvent(tx, ctx.principal, 'member.role-changed', member, { role: { before: current.role, after: effective }, ...ownRole });
      return toMemberDto(member);
    }),
  );
}

/** Removes a member; a member removing themselves is leaving (any member may), but the last owner can't leave. */
export async function removeMember(ctx: CoreContext, organizationId: string, userId: string): Promise<void> {
  const leaving = ctx.principal.kind === 'user' && ctx.principal.userId === userId;
  const standing = await authorizeInOrganization(ctx, organizationId, leaving ? 'organization:read' : 'members:write');
  if (!isUuid(userId)) throw new NotFound('Member');
  await withOwnerInvariant(() =>
    ctx.db.transaction(async (tx) => {
      const organization = await lockOrganization(tx, organizationId);
      const member = await readMember(tx, organizationId, userId);
      if (member.role === 'owner') {
        if (!leaving) authorizeOwnerChange(standing);
        await assertAnotherOwner(tx, organization, userId, leaving ? 'you' : 'member');
      }
      await tx.delete(organizationMembers).where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)));
      await memberEvent(tx, ctx.principal, 'member.removed', member, { role: { before: member.role, after: null } });
    }),
  );
}

/**
 * Before a user is deleted: their memberships go, each with its event; refused (409, naming the organization) when
 * they are the last owner of one. Organizations are locked in id order, as every owner change locks them.
 */
export async function removeMembershipsOf(tx: Transaction, principal: Principal, user: Pick<UserRow, 'id'>): Promise<void> {
  const memberships = await tx
    .select({ organizationId: organizationMembers.organizationId })
    .from(organizationMembers)
    .where(eq(organizationMembers.userId, user.id))
    .orderBy(asc(organizationMembers.organizationId));
  for (const { organizationId } of memberships) {
    const organization = await lockOrganization(tx, organizationId);
    const member = await readMember(tx, organizationId, user.id);
    if (member.role === 'owner') await assertAnotherOwner(tx, organization, user.id, 'user');
    await tx.delete(organizationMembers).where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, user.id)));
    await memberEvent(tx, principal, 'member.removed', member, { role: { before: member.role, after: null } });
  }
}
