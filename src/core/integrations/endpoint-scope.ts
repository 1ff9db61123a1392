import 'server-only';
import { eq, type SQL } from 'drizzle-orm';
import { webhookEndpoints } from '@/db/schema';
import { authorize, organizationKeyHolds } from '../authorization';
import { Forbidden } from '../errors';
import type { Principal } from '../principal';

/**
 * Throws unless `principal` may manage webhook endpoints, and says which: an organization's key, only its
 * organization's (the organization's id); staff and service-wide keys with webhooks:write, every one (undefined).
 */
export function authorizeEndpoints(principal: Principal): string | undefined {
  if (principal.kind === 'apiKey' && principal.organizationId !== undefined) {
    if (!organizationKeyHolds(principal, principal.organizationId, 'webhooks:write')) throw new Forbidden('You don’t have permission to do this (needs webhooks:write).');
    return principal.organizationId;
  }
  authorize(principal, 'webhooks:write');
  return undefined;
}

/** The endpoints an organization's key is confined to (its organization's), as a condition; none for everyone else. */
export const endpointsOf = (organizationId: string | undefined): SQL | undefined => (organizationId === undefined ? undefined : eq(webhookEndpoints.organizationId, organizationId));
