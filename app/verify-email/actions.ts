'use server';

import type { ActionState } from '@/actions/action-state';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields } from '@/actions/form-data';
import { confirmEmailVerification } from '@/core/accounts';
import { getDatabase } from '@/db';

/** Follows a sign-up's verification link. A button press, not the GET: mail scanners open links on their own. */
export async function confirmEmailVerificationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const { email } = await confirmEmailVerification((await getDatabase()).db, pickFields(formData, ['token']).token);
    return { status: 'success', message: `Thanks: ${email} is confirmed.` };
  } catch (error) {
    return errorToActionState(error, {});
  }
}

