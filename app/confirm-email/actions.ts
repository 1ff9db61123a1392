'use server';

import type { ActionState } from '@/actions/action-state';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields } from '@/actions/form-data';
import { expireUserViews } from '@/actions/expire';
import { confirmEmailChange } from '@/core/accounts';
import { getDatabase } from '@/db';

/** Follows the link sent to a new address: it becomes the account's email, and the old address is told. */
export async function confirmEmailChangeAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const { userId, email } = await confirmEmailChange((await getDatabase()).db, pickFields(formData, ['token']).token);
    expireUserViews(userId);
    return { status: 'success', message: `Done: your account's email is now ${email}. Use it to sign in.` };
  } catch (error) {
    return errorToActionState(error, {});
  }
}
