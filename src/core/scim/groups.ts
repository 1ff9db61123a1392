import 'server-only';
import { and, asc, count, eq, exists, inArray, sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database, Transaction } from '@/db/client';
import { organizationMembers, scimGroupMembers, scimGroups, scimUsers, type AuditChanges, type ScimGroupRow } from '@/db/schema';
import { UNPAGED_LIST_MAX } from '../bounds';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../db-errors';
import { NotFound } from '../errors';
import { recordEvent } from '../events';
import { memberEvent, readMember } from '../organizations/members';
import { authorizeInOrganization } from '../organizations/access';
import type { CoreContext, Principal } from '../principal';
import type { OrgRole } from '../organizations/schemas';
import { isUuid, parseInput } from '../validation';
import { ScimError } from './errors';
import { higherRole, scimRoleSources } from './group-roles';
import { filterCondition, likePattern, type ScimFilter, type ScimPage, type ScimPaging } from './filter-sql';
import type { ScimGroupAttributes } from './protocol/group';
import type { GroupPatchResult, MemberChange } from './protocol/patch';
import { setScimGroupRoleInput, type SetScimGroupRoleInput } from './schemas';
import { scimPrincipal, type ScimScope } from './scope';

export interface ScimGroupView {
  id: string;
  displayName: string;
  externalId: string | null;
  /** The organization role the group grants its members, or null. */
  role: 'admin' | 'member' | null;
  /** Left out when the caller asked to leave members out (`excludedAttributes=members`). */
  members?: { id: string; display: string }[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupReadOptions {
  excludeMembers?: boolean;
}

const notFound = () => new ScimError(404, undefined, 'No group with this id in this organization.');

export async function getScimGroup(db: Database | Transaction, scope: ScimScope, id: string, options: GroupReadOptions = {}): Promise<ScimGroupView> {
  if (!isUuid(id)) throw notFound();
  const [row] = await db
    .select()
    .from(scimGroups)
    .where(and(eq(scimGroups.organizationId, scope.organizationId), eq(scimGroups.id, id)));
  if (!row) throw notFound();
  const [view] = await toViews(db, [row], options);
  return view!;
}

/** A page of the organization's groups, oldest first, with the total matching. */
export async function listScimGroups(db: Database, scope: ScimScope, filter: ScimFilter | null, paging: ScimPaging, options: GroupReadOptions = {}): Promise<ScimPage<ScimGroupView>> {
  const where = and(eq(scimGroups.organizationId, scope.organizationId), filter ? filterCondition(filter, groupColumn) : undefined);
  const [total] = await db.select({ n: count() }).from(scimGroups).where(where);
  const rows =
    paging.count === 0
      ? []
      : await db
          .select()
          .from(scimGroups)
          .where(where)
          .orderBy(asc(scimGroups.createdAt), asc(scimGroups.id))
          .offset(paging.startIndex - 1)
          .limit(paging.count);
  return { resources: await toViews(db, rows, options), totalResults: total!.n };
}

function groupColumn(attribute: string, operator: 'eq' | 'co' | 'sw', value: string): SQL {
  switch (attribute) {
    case 'displayName':
      return operator === 'eq' ? sql`lower(${scimGroups.displayName}) = lower(${value})` : sql`${scimGroups.displayName} ILIKE ${likePattern(operator, value)}`;
    case 'externalId':
      return operator === 'eq' ? sql`${scimGroups.externalId} = ${value}` : sql`${scimGroups.externalId} ILIKE ${likePattern(operator, value)}`;
    case 'id':
      return operator === 'eq' && isUuid(value) ? eq(scimGroups.id, value) : sql`false`;
    case 'members.value':
      if (operator !== 'eq') throw new ScimError(400, 'invalidFilter', 'members can be filtered with eq only.');
      if (!isUuid(value)) return sql`false`;
      return exists(
        sql`(SELECT 1 FROM ${scimGroupMembers} WHERE ${scimGroupMembers.groupId} = ${scimGroups.id} AND ${scimGroupMembers.userId} = ${value})`,
      );
    default:
      throw new ScimError(400, 'invalidFilter', `Groups can't be filtered on ${attribute}.`);
  }
}

/** Groups with their members (one query for all of them), as SCIM shows them. */
async function toViews(db: Database | Transaction, rows: ScimGroupRow[], { excludeMembers = false }: GroupReadOptions): Promise<ScimGroupView[]> {
  const members = new Map<string, { id: string; display: string }[]>();
  if (!excludeMembers && rows.length > 0) {
    const memberRows = await db
      .select({ groupId: scimGroupMembers.groupId, userId: scimGroupMembers.userId, userName: scimUsers.userName, displayName: scimUsers.displayName })
      .from(scimGroupMembers)
      .innerJoin(scimGroups, eq(scimGroups.id, scimGroupMembers.groupId))
      .innerJoin(scimUsers, and(eq(scimUsers.organizationId, scimGroups.organizationId), eq(scimUsers.userId, scimGroupMembers.userId)))
      .where(
        inArray(
          scimGroupMembers.groupId,
          rows.map((row) => row.id),
        ),
      )
      .orderBy(asc(scimUsers.userName));
    for (const row of memberRows) {
      const list = members.get(row.groupId) ?? [];
      list.push({ id: row.userId, display: row.displayName ?? row.userName });
      members.set(row.groupId, list);
    }
  }
  return rows.map((row) => ({
    id: row.id,
    displayName: row.displayName,
    externalId: row.externalId,
    role: row.role === 'owner' ? null : row.role,
    ...(excludeMembers ? {} : { members: members.get(row.id) ?? [] }),
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }));
}

/** POST /Groups. Members must be users this organization provisioned (400 `invalidValue` otherwise). */
export async function createScimGroup(db: Database, scope: ScimScope, attributes: ScimGroupAttributes): Promise<ScimGroupView> {
  const principal = scimPrincipal(scope);
  return withGroupUniqueness(() =>
    db.transaction(async (tx) => {
      const id = uuidv7();
      const [row] = await tx
        .insert(scimGroups)
        .values({ id, organizationId: scope.organizationId, displayName: attributes.displayName, externalId: attributes.externalId })
        .returning();
      const added = await changeMembers(tx, scope, id, [{ op: 'replace', userIds: attributes.memberIds }]);
      await groupEvent(tx, principal, 'scim-group.created', row!, {
        displayName: { before: null, after: row!.displayName },
        externalId: { before: null, after: row!.externalId },
        members: { before: [], after: added.added },
      });
      await recomputeRoles(tx, principal, scope.organizationId, added.added);
      return getScimGroup(tx, scope, id);
    }),
  );
}

/** PUT and PATCH: `next(current)` names the group's new name and external id and the changes to its members, all or none. */
export async function updateScimGroup(
  db: Database,
  scope: ScimScope,
  id: string,
  next: (current: { displayName: string; externalId: string | null }) => GroupPatchResult,
  { expectedVersion, excludeMembers }: { expectedVersion?: number } & GroupReadOptions = {},
): Promise<ScimGroupView> {
  if (!isUuid(id)) throw notFound();
  const principal = scimPrincipal(scope);
  return withGroupUniqueness(() =>
    db.transaction(async (tx) => {
      const current = await lockGroup(tx, scope, id, expectedVersion);
      const wanted = next({ displayName: current.displayName, externalId: current.externalId });
      const membership = await changeMembers(tx, scope, id, wanted.memberChanges);
      const changes: AuditChanges = {};
      if (wanted.displayName !== current.displayName) changes.displayName = { before: current.displayName, after: wanted.displayName };
      if (wanted.externalId !== current.externalId) changes.externalId = { before: current.externalId, after: wanted.externalId };
      if (membership.added.length > 0) changes.membersAdded = { before: null, after: membership.added };
      if (membership.removed.length > 0) changes.membersRemoved = { before: membership.removed, after: null };
      if (Object.keys(changes).length > 0) {
        const [row] = await tx
          .update(scimGroups)
          .set({ displayName: wanted.displayName, externalId: wanted.externalId, version: sql`${scimGroups.version} + 1`, updatedAt: new Date() })
          .where(eq(scimGroups.id, id))
          .returning();
        await groupEvent(tx, principal, 'scim-group.updated', row!, changes);
        await recomputeRoles(tx, principal, scope.organizationId, [...membership.added, ...membership.removed]);
      }
      return getScimGroup(tx, scope, id, { excludeMembers });
    }),
  );
}

/** DELETE /Groups/{id}: the group goes; the roles it granted are taken back. */
export async function deleteScimGroup(db: Database, scope: ScimScope, id: string, { expectedVersion }: { expectedVersion?: number } = {}): Promise<void> {
  if (!isUuid(id)) throw notFound();
  const principal = scimPrincipal(scope);
  await db.transaction(async (tx) => {
    const current = await lockGroup(tx, scope, id, expectedVersion);
    const members = await tx.select({ userId: scimGroupMembers.userId }).from(scimGroupMembers).where(eq(scimGroupMembers.groupId, id));
    await tx.delete(scimGroups).where(eq(scimGroups.id, id));
    await groupEvent(tx, principal, 'scim-group.deleted', current, { displayName: { before: current.displayName, after: null } });
    await recomputeRoles(
      tx,
      principal,
      scope.organizationId,
      members.map((member) => member.userId),
    );
  });
}

/** A group as its organization's admins see it beside its role binding (the console's and `/api/v1`'s view). */
export interface ScimGroupRoleDto {
  id: string;
  displayName: string;
  externalId: string | null;
  /** The organization role the group grants its members, or null. */
  role: 'admin' | 'member' | null;
  memberCount: number;
  updatedAt: string;
}

const groupRoleColumns = {
  id: scimGroups.id,
  displayName: scimGroups.displayName,
  externalId: scimGroups.externalId,
  role: scimGroups.role,
  updatedAt: scimGroups.updatedAt,
  memberCount: sql<number>`(SELECT count(*)::int FROM ${scimGroupMembers} WHERE ${scimGroupMembers.groupId} = ${scimGroups.id})`,
};

const toGroupRoleDto = (row: { id: string; displayName: string; externalId: string | null; role: OrgRole | null; updatedAt: Date; memberCount: number }): ScimGroupRoleDto => ({
  id: row.id,
  displayName: row.displayName,
  externalId: row.externalId,
  role: row.role === 'owner' ? null : row.role,
  memberCount: row.memberCount,
  updatedAt: row.updatedAt.toISOString(),
});

/** The groups identity providers pushed into the organization, by name (at most UNPAGED_LIST_MAX), each with its role. */
export async function listScimGroupRoles(ctx: CoreContext, organizationId: string): Promise<ScimGroupRoleDto[]> {
  await authorizeInOrganization(ctx, organizationId, 'members:read');
  const rows = await ctx.db
    .select(groupRoleColumns)
    .from(scimGroups)
    .where(eq(scimGroups.organizationId, organizationId))
    .orderBy(asc(sql`lower(${scimGroups.displayName})`), asc(scimGroups.id))
    .limit(UNPAGED_LIST_MAX);
  return rows.map(toGroupRoleDto);
}

/**
 * Binds a group to an organization role its members then hold at least (`admin` or `member`), or unbinds it (null):
 * for the organization's admins (and staff), not for identity providers. Every door (console, `/api/v1`, CLI) calls
 * this; the members' effective roles are recomputed in the same transaction.
 */
export async function setScimGroupRole(ctx: CoreContext, organizationId: string, groupId: string, rawInput: SetScimGroupRoleInput | unknown): Promise<ScimGroupRoleDto> {
  await authorizeInOrganization(ctx, organizationId, 'members:write');
  const { role } = parseInput(setScimGroupRoleInput, rawInput);
  if (!isUuid(groupId)) throw new NotFound('Group');
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(scimGroups)
      .where(and(eq(scimGroups.organizationId, organizationId), eq(scimGroups.id, groupId)))
      .for('update');
    if (!current) throw new NotFound('Group');
    if (current.role !== role) {
      const [row] = await tx
        .update(scimGroups)
        .set({ role, version: sql`${scimGroups.version} + 1`, updatedAt: new Date() })
        .where(eq(scimGroups.id, groupId))
        .returning();
      await groupEvent(tx, ctx.principal, 'scim-group.updated', row!, { role: { before: current.role, after: role } });
      const members = await tx.select({ userId: scimGroupMembers.userId }).from(scimGroupMembers).where(eq(scimGroupMembers.groupId, groupId));
      await recomputeRoles(
        tx,
        ctx.principal,
        organizationId,
        members.map((member) => member.userId),
      );
    }
    const [view] = await tx.select(groupRoleColumns).from(scimGroups).where(eq(scimGroups.id, groupId));
    return toGroupRoleDto(view!);
  });
}

async function lockGroup(tx: Transaction, scope: ScimScope, id: string, expectedVersion: number | undefined): Promise<ScimGroupRow> {
  const [row] = await tx
    .select()
    .from(scimGroups)
    .where(and(eq(scimGroups.organizationId, scope.organizationId), eq(scimGroups.id, id)))
    .for('update');
  if (!row) throw notFound();
  if (expectedVersion !== undefined && row.version !== expectedVersion) {
    throw new ScimError(412, undefined, `This group was changed since (now at version ${row.version}, If-Match named ${expectedVersion}).`);
  }
  return row;
}

/** Applies member changes in order; returns who joined and who left (by the end, not along the way). */
async function changeMembers(tx: Transaction, scope: ScimScope, groupId: string, changes: MemberChange[]): Promise<{ added: string[]; removed: string[] }> {
  const before = new Set((await tx.select({ userId: scimGroupMembers.userId }).from(scimGroupMembers).where(eq(scimGroupMembers.groupId, groupId))).map((row) => row.userId));
  const after = new Set(before);
  for (const change of changes) {
    if (change.op === 'replace') after.clear();
    if (change.userIds === 'all') {
      if (change.op === 'remove') after.clear();
      continue;
    }
    for (const userId of change.userIds) {
      if (change.op === 'remove') after.delete(userId);
      else after.add(userId);
    }
  }
  const added = [...after].filter((userId) => !before.has(userId));
  const removed = [...before].filter((userId) => !after.has(userId));
  if (added.length > 0) {
    const known = added.every(isUuid)
      ? await tx
          .select({ userId: scimUsers.userId })
          .from(scimUsers)
          .where(and(eq(scimUsers.organizationId, scope.organizationId), inArray(scimUsers.userId, added)))
      : [];
    if (known.length !== added.length) throw new ScimError(400, 'invalidValue', 'Every member must be a user provisioned in this organization (members[].value is a user id).');
    await tx.insert(scimGroupMembers).values(added.map((userId) => ({ groupId, userId })));
  }
  if (removed.length > 0) await tx.delete(scimGroupMembers).where(and(eq(scimGroupMembers.groupId, groupId), inArray(scimGroupMembers.userId, removed)));
  return { added, removed };
}

/**
 * Each user's organization role becomes the highest of their own (scim_users.own_role) and their groups' roles.
 * Owners stay owners (groups never grant or take that role).
 */
async function recomputeRoles(tx: Transaction, principal: Principal, organizationId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const sources = await scimRoleSources(tx, organizationId, userIds);
  if (sources.size === 0) return;
  const rows = await tx
    .select({ userId: organizationMembers.userId, current: organizationMembers.role })
    .from(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, organizationId), inArray(organizationMembers.userId, [...sources.keys()])));
  for (const row of rows) {
    const source = sources.get(row.userId)!;
    if (row.current === 'owner') continue;
    const effective = source.granted ? higherRole(source.ownRole, source.granted) : source.ownRole;
    if (effective === row.current) continue;
    await tx
      .update(organizationMembers)
      .set({ role: effective, updatedAt: new Date() })
      .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, row.userId)));
    await memberEvent(tx, principal, 'member.role-changed', await readMember(tx, organizationId, row.userId), { role: { before: row.current, after: effective } });
  }
}

/** A scim-group.* event, in the organization, with the group (without its members) as data. */
async function groupEvent(tx: Transaction, principal: Principal, type: 'scim-group.created' | 'scim-group.updated' | 'scim-group.deleted', row: ScimGroupRow, changes: AuditChanges): Promise<void> {
  await recordEvent(tx, principal, {
    type,
    subject: { type: 'scim-group', id: row.id },
    organizationId: row.organizationId,
    changes,
    data: { group: { id: row.id, displayName: row.displayName, externalId: row.externalId, role: row.role, version: row.version } },
  });
}

async function withGroupUniqueness<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) throw new ScimError(409, 'uniqueness', 'A group with this displayName already exists in this organization.');
    throw error;
  }
}
