import 'server-only';
import { eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { organizations } from '@/db/schema';
import { authorize, holds } from '../authorization';
import { Forbidden, NotFound } from '../errors';
import { membershipRole } from '../organizations/access';
import type { Principal } from '../principal';
import { isUuid } from '../validation';

/** The roles in an organization that make and revoke its keys (besides staff who manage keys). */
export const organizationKeyMakerRoles: readonly string[] = ['owner', 'admin'];

/**
 * Throws unless `principal` may list, make and revoke organization `organizationId`'s keys, and says as whom: staff who
 * manage keys, or an owner or admin of that organization. Whoever cannot see the organization at all (no such organization, an end
 * user not in it, another organization's key) is told it does not exist; others (its members, other staff, keys), that
 * they may not.
 */
export async function authorizeOrganizationKeys(db: Database, principal: Principal, organizationId: string): Promise<'staff' | 'organization'> {
  if (principal.kind === 'anonymous') authorize(principal, 'api-keys:manage');
  if (!isUuid(organizationId)) throw new NotFound('Organization');
  const [organization] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organizationId));
  if (!organization) throw new NotFound('Organization');
  if (holds(principal, 'api-keys:manage')) return 'staff';
  if (principal.kind === 'apiKey') {
    if (principal.organizationId !== undefined && principal.organizationId !== organizationId) throw new NotFound('Organization');
    throw new Forbidden('An API key cannot manage API keys.');
  }
  if (principal.kind !== 'user') throw new NotFound('Organization');
  const role = await membershipRole(db, organizationId, principal.userId);
  if (role && organizationKeyMakerRoles.includes(role)) return 'organization';
  if (role) throw new Forbidden('Only owners and admins of this organization manage its API keys.');
  if (principal.role !== 'member') throw new Forbidden('You don’t have permission to do this (needs api-keys:manage).');
  throw new NotFound('Organization');
}
