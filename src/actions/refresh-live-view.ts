'use server';

import { updateTag } from 'next/cache';
import { authorize } from '@/core/authorization';
import { isUuid } from '@/core/validation';
import { usersTag, userTag } from '@/lib/tags';
import { failure, type ActionState } from './action-state';
import { errorToActionState } from './error-to-state';
import { actionContext } from './context';

/** The most users one refresh names: more than this and the page simply re-reads the list. */
const maxUsers = 100;

/**
 * The live console's refresh: the event stream said these users changed (through any door, on any instance, or by
 * the Stripe sweeper, which can't expire caches itself), so their cached views expire and Next re-renders the page
 * into this action's response. Any console reader may ask: it only makes the next read fresh. Like every action it
 * spends the caller's action budget, and refuses an admin who must enrol in two-factor sign-in first.
 */
export async function refreshLiveViewAction(userIds: unknown): Promise<ActionState> {
  try {
    authorize((await actionContext()).principal, 'users:read');
  } catch (error) {
    return errorToActionState(error, {});
  }
  if (!Array.isArray(userIds) || userIds.length > maxUsers || !userIds.every((id) => typeof id === 'string' && isUuid(id))) {
    return failure(`Expected a list of at most ${maxUsers} user ids.`, {});
  }
  updateTag(usersTag);
  for (const id of new Set(userIds as string[])) updateTag(userTag(id));
  return { status: 'success' };
}
