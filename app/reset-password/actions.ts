'use server';

import { redirect } from 'next/navigation';
import { limitAuthRequest } from '@/auth/request-limit';
import type { ActionState } from '@/actions/action-state';
import { clientIp } from '@/actions/client-ip';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields } from '@/actions/form-data';
import { newPasswordErrors } from '@/actions/new-password';
import { resetPassword } from '@/core/accounts';
import { getDatabase } from '@/db';

/**
 * Sets the new password from the link's token; every session of the account ends, so they sign in afresh. Anonymous,
 * so limited per client IP like the sign-in endpoints (ROSTER_AUTH_RATE_LIMIT_IP).
 */
export async function resetPasswordAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const { password, fieldErrors } = newPasswordErrors(formData);
  if (fieldErrors) return { status: 'error', message: 'Please fix the highlighted fields.', fieldErrors };
  try {
    await limitAuthRequest(await clientIp());
    await resetPassword((await getDatabase()).db, pickFields(formData, ['token']).token, password);
  } catch (error) {
    return errorToActionState(error, {});
  }
  redirect('/sign-in?notice=password-reset');
}
