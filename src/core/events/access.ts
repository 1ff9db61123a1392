import 'server-only';
import { authorize } from '../authorization';
import type { Principal } from '../principal';

/** Which events a principal may read: all of them, or (members) only those about themselves. */
export type EventAccess = { all: true } | { all: false; ownUserId: string };

/** Members read the events about their own account; everyone else needs `events:read` (admins, owners, keys). */
export function eventAccessFor(principal: Principal): EventAccess {
  if (principal.kind === 'user' && principal.role === 'member') return { all: false, ownUserId: principal.userId };
  authorize(principal, 'events:read');
  return { all: true };
}
