'use server';

import type { ActionState } from '@/actions/action-state';
import { clientIp } from '@/actions/client-ip';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields } from '@/actions/form-data';
import { requestPasswordReset } from '@/core/accounts';
import { getDatabase } from '@/db';
import { mailSendLimits } from '@/rate-limit/mail-limits';

/** The same answer whether or not the address has an account: the form never tells who is registered. */
export async function requestPasswordResetAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['email']);
  try {
    const outcome = await requestPasswordReset((await getDatabase()).db, values.email ?? '', { ip: await clientIp(), sendLimits: mailSendLimits });
    if (outcome === 'ip-limited') return { status: 'error', message: 'Too many reset requests from your network. Try again in an hour.', values };
  } catch (error) {
    return errorToActionState(error, values);
  }
  return {
    status: 'success',
    message: 'If an account uses that address, we sent it a link to choose a new password. The link works once, for 30 minutes.',
    values,
  };
}
