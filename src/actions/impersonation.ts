'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getAuth } from '@/auth';
import type { ActionState } from './action-state';
import { actionContext } from './context';
import { errorToActionState } from './error-to-state';
import { expireUserViews } from './expire';
import { pickFields } from './form-data';

/**
 * Impersonate: the acting admin (checked by the core: role, target, not already impersonating) continues as the
 * user, with a reason and an optional ticket. The admin's own session stays as it was, for Stop.
 */
export async function impersonateUserAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['userId', 'reason', 'ticket']);
  try {
    // The action budget and the two-factor requirement, as for every action; the core decides the rest.
    await actionContext();
    await (await getAuth()).api.startImpersonation({ body: values, headers: await headers() });
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireUserViews(values.userId ?? '');
  redirect('/account');
}

/** Stop impersonating: ends it (recorded) and returns to the admin's own session, on the user's page they came from. */
export async function stopImpersonatingAction(): Promise<void> {
  const auth = await getAuth();
  const requestHeaders = await headers();
  const session = await auth.api.getSession({ headers: requestHeaders });
  // Signed out: nothing to stop, and nobody to show anything to. Not (or no longer) impersonating: nothing to stop.
  if (!session) redirect('/sign-in');
  if (!session.session.impersonationId) redirect('/');
  const userId = session.user.id;
  const { returned } = await auth.api.stopImpersonation({ headers: requestHeaders });
  expireUserViews(userId);
  // The admin's own session may have been revoked meanwhile: then they sign in again.
  redirect(returned ? `/users/${userId}` : '/sign-in');
}
