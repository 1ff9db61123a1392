import 'server-only';
import { organizationKeyHolds } from '../authorization';
import { Forbidden, NotFound } from '../errors';
import type { Principal } from '../principal';
import type { OrgPermission, Standing } from './access';

type OrganizationKey = Extract<Principal, { kind: 'apiKey' }> & { organizationId: string };

export const isOrganizationKey = (principal: Principal): principal is OrganizationKey => principal.kind === 'apiKey' && principal.organizationId !== undefined;

/**
 * Where an organization's own key stands in `organizationId`: inside its organization, as an admin with
 * organizations:write (everything but deleting it and changing owners) or as a member with organizations:read;
 * any other organization does not exist for it.
 */
export function organizationKeyStanding(key: OrganizationKey, organizationId: string, permission: OrgPermission, rolePermissions: Record<'admin' | 'member', readonly OrgPermission[]>): Standing {
  if (key.organizationId !== organizationId) throw new NotFound('Organization');
  const role = organizationKeyHolds(key, organizationId, 'organizations:write') ? 'admin' : organizationKeyHolds(key, organizationId, 'organizations:read') ? 'member' : null;
  if (role === null || !rolePermissions[role].includes(permission)) {
    throw new Forbidden(`You don't have permission to do this (needs organizations:${permission.endsWith(':read') ? 'read' : 'write'}).`);
  }
  return { plane: 'member', role, permissions: rolePermissions[role] };
}
