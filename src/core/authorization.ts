import 'server-only';
import { Forbidden, Unauthenticated } from './errors';
import type { ApiKeyScope, Principal } from './principal';
import type { Role } from './users/schemas';

export type Permission =
  | 'users:read'
  | 'users:write'
  /** The event log (streams, the audit trail, its export) shows every actor's doings: admins and owners only. */
  | 'events:read'
  | 'webhooks:read'
  | 'webhooks:write'
  | 'api-keys:manage'
  /** The console's Email log: recipients, kinds and delivery state, never bodies. */
  | 'mail:read'
  /** Bodies of messages kept because no mail server is configured: their links act for the recipient. */
  | 'mail:read-kept';

const viewer: readonly Permission[] = ['users:read', 'webhooks:read'];
const admin: readonly Permission[] = [...viewer, 'users:write', 'events:read', 'webhooks:write', 'api-keys:manage', 'mail:read'];
const owner: readonly Permission[] = [...admin, 'mail:read-kept'];

/** What each role may do. Members are end users of the product: they manage only themselves, through /me. */
const rolePermissions: Record<Role, readonly Permission[]> = { member: [], viewer, admin, owner };

const rank: Record<Role, number> = { member: 0, viewer: 1, admin: 2, owner: 3 };

export const roleAtLeast = (role: Role, minimum: Role) => rank[role] >= rank[minimum];

/** Whether a role, by itself, holds `permission` (an active user with it does). */
export const roleHolds = (role: Role, permission: Permission) => rolePermissions[role].includes(permission);

/** The roles that hold `permission`. */
export const rolesHolding = (permission: Permission): Role[] => (Object.keys(rolePermissions) as Role[]).filter((role) => roleHolds(role, permission));

/** Throws unless `principal` holds `permission`: Unauthenticated for nobody, Forbidden for the wrong somebody. */
export function authorize(principal: Principal, permission: Permission): void {
  if (!holds(principal, permission)) {
    throw principal.kind === 'anonymous'
      ? new Unauthenticated('Sign in or send credentials to do this.')
      : new Forbidden(`You don't have permission to do this (needs ${permission}).`);
  }
}

export function holds(principal: Principal, permission: Permission): boolean {
  switch (principal.kind) {
    case 'anonymous':
      return false;
    case 'system':
      return true;
    case 'user':
      return roleHolds(principal.role, permission);
    case 'apiKey':
      // An organization's key holds nothing outside its organization: what it may do there, organizationKeyHolds says.
      if (principal.organizationId !== undefined) return false;
      return keyHasScope(principal, permission);
  }
}

/** A write key can read back what it writes. */
function keyHasScope(key: Extract<Principal, { kind: 'apiKey' }>, permission: Permission | ApiKeyScope): boolean {
  if (permission === 'users:read' && key.scopes.includes('users:write')) return true;
  if (permission === 'organizations:read' && key.scopes.includes('organizations:write')) return true;
  return key.scopes.includes(permission as ApiKeyScope);
}

/** Whether `principal` is a key of organization `organizationId` holding `scope` (its writes can read, as above). */
export const organizationKeyHolds = (principal: Principal, organizationId: string, scope: ApiKeyScope): boolean =>
  principal.kind === 'apiKey' && principal.organizationId === organizationId && keyHasScope(principal, scope);

/** The role a principal acts with when touching accounts: a write key acts as an admin, Roster's own tools as an owner. */
function actingRole(principal: Principal): Role {
  if (principal.kind === 'user') return principal.role;
  if (principal.kind === 'system') return 'owner';
  if (principal.kind === 'apiKey') return 'admin';
  return 'member';
}

/**
 * Admins manage accounts below admin; only owners grant, change or remove admin and owner accounts.
 * `before` is the target's role now (null when creating), `after` its role afterwards (null when deleting).
 */
export function authorizeAccountChange(principal: Principal, before: Role | null, after: Role | null): void {
  if (actingRole(principal) === 'owner') return;
  const touchesAdmins = [before, after].some((role) => role !== null && roleAtLeast(role, 'admin'));
  if (touchesAdmins) throw new Forbidden('Only owners can grant, change or remove admin and owner accounts.');
}

/** Where a principal stands over what staff make: an API key where its maker stands (an owner's or the CLI's: owner). */
const standing = (principal: Principal): Role => (principal.kind === 'apiKey' ? (principal.ownerLevel ? 'owner' : 'admin') : actingRole(principal));

/**
 * Whether `principal` may change something staff made (an API key, a webhook endpoint), given the role of whoever
 * made it: what an owner made (or the operator, or an owner's key) only owners manage; admins manage the rest.
 */
export const mayManage = (principal: Principal, madeBy: Role): boolean => !roleAtLeast(madeBy, 'owner') || roleAtLeast(standing(principal), 'owner');

/** Throws Forbidden unless `principal` may change what someone with role `madeBy` made (see mayManage). */
export function authorizeManagement(principal: Principal, madeBy: Role): void {
  if (!mayManage(principal, madeBy)) throw new Forbidden('Only owners can change what an owner (or an owner’s API key, or the operator) made.');
}
