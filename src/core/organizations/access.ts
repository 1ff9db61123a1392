import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { organizationMembers } from '@/db/schema';
import { roleAtLeast } from '../authorization';
import { Forbidden, NotFound, Unauthenticated } from '../errors';
import type { CoreContext, Principal } from '../principal';
import { isUuid } from '../validation';
import { isOrganizationKey, organizationKeyStanding } from './key-access';
import type { OrgRole } from './schemas';

/** What can be done in one organization. */
export type OrgPermission = 'organization:read' | 'organization:update' | 'organization:delete' | 'members:read' | 'members:write' | 'owners:manage';

const memberPermissions: readonly OrgPermission[] = ['organization:read', 'members:read'];
const adminPermissions: readonly OrgPermission[] = [...memberPermissions, 'organization:update', 'members:write'];
/** The end users' plane: what each role inside an organization may do there. Admins may not touch owners. */
const orgRolePermissions: Record<OrgRole, readonly OrgPermission[]> = {
  member: memberPermissions,
  admin: adminPermissions,
  owner: [...adminPermissions, 'organization:delete', 'owners:manage'],
};
const staffRead: readonly OrgPermission[] = memberPermissions;
const staffAll: readonly OrgPermission[] = orgRolePermissions.owner;

/**
 * The staff plane: what a principal may do in every organization, without being a member of any. Staff admins and
 * owners (and Roster's own tools, and keys with organizations:write) everything; viewers and organizations:read
 * keys read. Everyone else acts only by membership.
 */
function staffPermissions(principal: Principal): readonly OrgPermission[] {
  switch (principal.kind) {
    case 'system':
      return staffAll;
    case 'user':
      return roleAtLeast(principal.role, 'admin') ? staffAll : principal.role === 'viewer' ? staffRead : [];
    case 'apiKey':
      // An organization's own key stands in its organization alone (organizationKeyStanding), never on this plane.
      if (principal.organizationId !== undefined) return [];
      return principal.scopes.includes('organizations:write') ? staffAll : principal.scopes.includes('organizations:read') ? staffRead : [];
    case 'anonymous':
      return [];
  }
}

/** Whether the principal sees every organization (the staff plane), not only its own. */
export const readsEveryOrganization = (principal: Principal) => staffPermissions(principal).includes('organization:read');
/** Whether the principal may create organizations for anyone (naming their owner). */
export const managesEveryOrganization = (principal: Principal) => staffPermissions(principal).includes('organization:delete');

/** Where the caller stands in one organization: staff, or a member with a role (what `owners:manage` checks use). */
export type Standing = { plane: 'staff'; permissions: readonly OrgPermission[] } | { plane: 'member'; role: OrgRole; permissions: readonly OrgPermission[] };

export const standingHolds = (standing: Standing, permission: OrgPermission) => standing.permissions.includes(permission);

/** The signed-in user's id; Unauthenticated for nobody, Forbidden for keys and tools (they belong to no organization). */
export function userIdOf(principal: Principal): string {
  if (principal.kind === 'user') return principal.userId;
  if (principal.kind === 'anonymous') throw new Unauthenticated('Sign in or send credentials to do this.');
  throw new Forbidden('API keys and system tools belong to no organization: this is for signed-in users.');
}

/**
 * "May this principal do `permission` in organization `organizationId`?" The tenant is the argument (the path),
 * never remembered. Staff answer from their role alone; anyone else costs one primary-key lookup of their own
 * membership. Not a member (and not staff): the organization is "not found", whether it exists or not.
 * The organization's existence is the caller's to check (it reads or locks the row anyway).
 */
export async function authorizeInOrganization(ctx: CoreContext, organizationId: string, permission: OrgPermission): Promise<Standing> {
  const staff = staffPermissions(ctx.principal);
  if (ctx.principal.kind === 'anonymous') throw new Unauthenticated('Sign in or send credentials to do this.');
  if (!isUuid(organizationId)) throw new NotFound('Organization');
  if (staff.includes(permission)) return { plane: 'staff', permissions: staff };
  if (isOrganizationKey(ctx.principal)) return organizationKeyStanding(ctx.principal, organizationId, permission, orgRolePermissions);
  if (ctx.principal.kind !== 'user') throw new Forbidden(`You don't have permission to do this (needs organizations:${permission.endsWith(':read') ? 'read' : 'write'}).`);
  const role = await membershipRole(ctx.db, organizationId, ctx.principal.userId);
  if (role === null) {
    if (staff.length > 0) throw new Forbidden('Viewers may read organizations, not change them.');
    throw new NotFound('Organization');
  }
  const permissions = orgRolePermissions[role];
  if (!permissions.includes(permission)) throw new Forbidden(`Your role in this organization (${role}) doesn't allow this.`);
  return { plane: 'member', role, permissions };
}

/** Throws Forbidden unless the standing may grant, remove or change an owner. */
export function authorizeOwnerChange(standing: Standing): void {
  if (!standingHolds(standing, 'owners:manage')) throw new Forbidden('Only owners can grant or remove the owner role, or change an owner.');
}

/**
 * The user's role in the organization, or null (not a member, or a suspended one): one lookup of the
 * (organization_id, user_id) primary key.
 */
export async function membershipRole(db: Database, organizationId: string, userId: string): Promise<OrgRole | null> {
  const [row] = await db
    .select({ role: organizationMembers.role, suspendedAt: organizationMembers.suspendedAt })
    .from(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)));
  return row && !row.suspendedAt ? row.role : null;
}

/**
 * Whether a user may sign in as far as organizations go: refused only when they belong to organizations, every one
 * of those memberships is suspended (a SCIM `active: false`), and they hold no staff role. A user in no organization
 * is not affected (self sign-ups, staff).
 */
export async function membershipsAllowSignIn(db: Database, userId: string, role: string): Promise<boolean> {
  if (role !== 'member') return true;
  const [row] = await db
    .select({ all: sql<number>`count(*)::int`, suspended: sql<number>`count(${organizationMembers.suspendedAt})::int` })
    .from(organizationMembers)
    .where(eq(organizationMembers.userId, userId));
  return !row || row.all === 0 || row.suspended < row.all;
}

/** Who may create an organization: anyone signed in (`open`, the default) or staff only (`staff`). */
export type OrgCreation = 'open' | 'staff';

/** ROSTER_ORG_CREATION, read by the doors and passed to createOrganization. */
export const orgCreationFromEnv = (): OrgCreation => (process.env.ROSTER_ORG_CREATION === 'staff' ? 'staff' : 'open');
