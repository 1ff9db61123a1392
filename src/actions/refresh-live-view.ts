'use server';

import { updateTag } from 'next/cache';
import { authorize } from '@/core/authorization';
import { authorizeStaffRead } from '@/core/organizations/staff-views';
import type { Principal } from '@/core/principal';
import { isUuid } from '@/core/validation';
import { organizationTag, organizationsTag, usersTag, userTag } from '@/lib/tags';
import { failure, type ActionState } from './action-state';
import { errorToActionState } from './error-to-state';
import { actionContext } from './context';

/** The most ids one refresh names: more than this and the page simply re-reads the list. */
const maxIds = 100;

/**
 * Expires the list's tag and each named item's: the console's live refresh. The event stream said these changed
 * (through any door, on any instance, or by the Stripe sweeper, which can't expire caches itself), so their cached
 * views expire and Next re-renders the page into this action's response. Any console reader of them may ask: it only
 * makes the next read fresh. Like every action it spends the caller's action budget, and refuses an admin who must
 * enrol in two-factor sign-in first.
 */
async function expireLiveView(ids: unknown, mayRead: (principal: Principal) => void, what: string, listTag: string, itemTag: (id: string) => string): Promise<ActionState> {
  try {
    mayRead((await actionContext()).principal);
  } catch (error) {
    return errorToActionState(error, {});
  }
  if (!Array.isArray(ids) || ids.length > maxIds || !ids.every((id) => typeof id === 'string' && isUuid(id))) {
    return failure(`Expected a list of at most ${maxIds} ${what} ids.`, {});
  }
  updateTag(listTag);
  for (const id of new Set(ids as string[])) updateTag(itemTag(id));
  return { status: 'success' };
}

/** The users list's and users' pages' live refresh. */
export async function refreshLiveViewAction(userIds: unknown): Promise<ActionState> {
  return expireLiveView(userIds, (principal) => authorize(principal, 'users:read'), 'user', usersTag, userTag);
}

/** The organizations list's and organizations' pages' live refresh. */
export async function refreshOrganizationViewAction(organizationIds: unknown): Promise<ActionState> {
  return expireLiveView(organizationIds, authorizeStaffRead, 'organization', organizationsTag, organizationTag);
}
