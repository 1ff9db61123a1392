import 'server-only';
import { authorize, organizationKeyHolds } from '../authorization';
import { Forbidden } from '../errors';
import type { Principal } from '../principal';

/**
 * Which events a principal may read: all of them; (members) only those about themselves; or (an organization's key)
 * only those about its organization.
 */
export type EventAccess = { all: true } | { all: false; ownUserId: string } | { all: false; organizationId: string };

/** Members read the events about their own account; everyone else needs `events:read` (admins, owners, keys). */
export function eventAccessFor(principal: Principal): EventAccess {
  if (principal.kind === 'user' && principal.role === 'member') return { all: false, ownUserId: principal.userId };
  if (principal.kind === 'apiKey' && principal.organizationId !== undefined) {
    if (!organizationKeyHolds(principal, principal.organizationId, 'events:read')) throw new Forbidden('You don’t have permission to do this (needs events:read).');
    return { all: false, organizationId: principal.organizationId };
  }
  authorize(principal, 'events:read');
  return { all: true };
}
