'use server';

import { APIError } from 'better-auth/api';
import { refresh } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getAuth } from '@/auth';
import { failure, type ActionState } from '@/actions/action-state';
import { consolePrincipal, consoleSession } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields } from '@/actions/form-data';
import { Unauthenticated } from '@/core/errors';
import { passwordLength } from '@/core/users/schemas';

const { min: minPasswordLength, max: maxPasswordLength } = passwordLength;

/** The signed-in, active user's own session, and what it takes to call Better Auth on their behalf. */
async function ownSession() {
  const principal = await consolePrincipal();
  const session = await consoleSession();
  // Suspended users still hold a session row until it expires, but act as nobody.
  if (principal.kind !== 'user' || !session) throw new Unauthenticated();
  return { auth: await getAuth(), requestHeaders: await headers(), current: session.session };
}

/** Better Auth's refusals as a form's ActionState; anything else goes through the console's one mapper. */
function accountErrorToState(error: unknown, values: Record<string, string>): ActionState {
  if (!(error instanceof APIError)) return errorToActionState(error, values);
  const fail = (message: string, fieldErrors?: Record<string, string>) => failure(message, values, fieldErrors);
  switch (error.body?.code) {
    case 'INVALID_PASSWORD':
      return fail('Please fix the highlighted fields.', { currentPassword: 'The current password is incorrect' });
    case 'PASSWORD_TOO_SHORT':
      return fail('Please fix the highlighted fields.', { newPassword: `Use at least ${minPasswordLength} characters` });
    case 'PASSWORD_TOO_LONG':
      return fail('Please fix the highlighted fields.', { newPassword: `Use at most ${maxPasswordLength} characters` });
    case 'CREDENTIAL_ACCOUNT_NOT_FOUND':
      return fail('Your account signs in through single sign-on: it has no password to change here.');
    case 'SESSION_NOT_FRESH':
      return fail('For your security, sign out and sign in again to manage your sessions.');
  }
  if (error.statusCode === 401) return fail('Your session has ended. Sign in again.');
  if (error.statusCode === 429) return fail(error.body?.message ?? 'Too many attempts. Try again later.');
  return errorToActionState(error, values);
}

/**
 * Ends one of the caller's other sessions. The form posts the session's id, never its token: the token is looked
 * up here among the caller's own sessions, so an id that belongs to somebody else (or to nobody) is refused.
 */
export async function revokeSessionAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  try {
    const { auth, requestHeaders, current } = await ownSession();
    if (values.id === current.id) return { status: 'error', message: 'This is the session you are using now. To end it, sign out.', values };
    const own = await auth.api.listSessions({ headers: requestHeaders });
    const target = own.find((session) => session.id === values.id);
    if (!target) {
      refresh();
      return { status: 'error', message: 'That session has already ended.', values };
    }
    await auth.api.revokeSession({ body: { token: target.token }, headers: requestHeaders });
  } catch (error) {
    return accountErrorToState(error, values);
  }
  refresh();
  return { status: 'success', message: 'Session revoked: that device is signed out.' };
}

/** Ends every session of the caller's except the one making this request. */
export async function revokeOtherSessionsAction(): Promise<ActionState> {
  try {
    const { auth, requestHeaders } = await ownSession();
    await auth.api.revokeOtherSessions({ headers: requestHeaders });
  } catch (error) {
    return accountErrorToState(error, {});
  }
  refresh();
  return { status: 'success', message: 'Signed out of all other sessions.' };
}

/** Where a successful password change lands; the account page shows the success message for it. */
const passwordChangedPath = '/account?password=changed';

/**
 * Changes the caller's password and ends all their other sessions (a stolen session must not outlive the old
 * password). Passwords are never echoed back to the page.
 *
 * Better Auth replaces the current session too and sets the new one's cookie (nextCookies). The page is then
 * reached by a redirect, not re-rendered in this request: a re-render would still see the old, deleted session in
 * the request's headers() (only cookies() reflects what the action set) and send the user to sign in. Next forwards
 * the new cookie to the redirect's render.
 */
export async function changePasswordAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const text = (name: string) => {
    const value = formData.get(name);
    return typeof value === 'string' ? value : '';
  };
  const currentPassword = text('currentPassword');
  const newPassword = text('newPassword');
  const confirmPassword = text('confirmPassword');

  const fieldErrors: Record<string, string> = {};
  if (!currentPassword) fieldErrors.currentPassword = 'Enter your current password';
  if (newPassword.length < minPasswordLength) fieldErrors.newPassword = `Use at least ${minPasswordLength} characters`;
  else if (newPassword.length > maxPasswordLength) fieldErrors.newPassword = `Use at most ${maxPasswordLength} characters`;
  else if (newPassword === currentPassword) fieldErrors.newPassword = 'Choose a password different from the current one';
  if (!fieldErrors.newPassword && confirmPassword !== newPassword) fieldErrors.confirmPassword = 'The passwords do not match';
  if (Object.keys(fieldErrors).length > 0) return { status: 'error', message: 'Please fix the highlighted fields.', fieldErrors };

  try {
    const { auth, requestHeaders } = await ownSession();
    await auth.api.changePassword({ body: { currentPassword, newPassword, revokeOtherSessions: true }, headers: requestHeaders });
  } catch (error) {
    return accountErrorToState(error, {});
  }
  redirect(passwordChangedPath);
}
