'use server';

import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { APIError } from 'better-auth/api';
import { refresh } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getAuth } from '@/auth';
import { failure, type ActionState } from '@/actions/action-state';
import { consoleSession, principalOf, spendActionBudget } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields } from '@/actions/form-data';
import { parseCredentialResponse, passkeyErrorToActionState } from '@/actions/passkey-error';
import { requestEmailChange } from '@/core/accounts';
import { passkeyNameSchema, removePasskey, renamePasskey } from '@/core/passkeys';
import { Unauthenticated } from '@/core/errors';
import { getDatabase } from '@/db';
import { mailRequestFrom } from '@/rate-limit/mail-limits';
import { passwordLength } from '@/core/users/schemas';

const { min: minPasswordLength, max: maxPasswordLength } = passwordLength;

/** The signed-in, active user's own session, and what it takes to call Better Auth on their behalf. */
async function ownSession() {
  // Read once: in an action's body each consoleSession() call is another lookup (see actionContext).
  const session = await consoleSession();
  // Suspended users still hold a session row until it expires, but act as nobody.
  const principal = principalOf(session);
  if (!session || principal.kind !== 'user') throw new Unauthenticated();
  await spendActionBudget(session);
  return { auth: await getAuth(), requestHeaders: await headers(), current: session.session, principal };
}

/** Better Auth's refusals as a form's ActionState; anything else goes through the console's one mapper. */
function accountErrorToState(error: unknown, values: Record<string, string>, passwordField = 'currentPassword'): ActionState {
  if (!(error instanceof APIError)) return errorToActionState(error, values);
  const fail = (message: string, fieldErrors?: Record<string, string>) => failure(message, values, fieldErrors);
  switch (error.body?.code) {
    case 'INVALID_PASSWORD':
      return fail('Please fix the highlighted fields.', { [passwordField]: passwordField === 'currentPassword' ? 'The current password is incorrect' : 'The password is incorrect' });
    case 'INVALID_CODE':
      return fail('Please fix the highlighted fields.', { code: 'That code is not right. Enter the one your app shows now.' });
    case 'PASSWORD_TOO_SHORT':
      return fail('Please fix the highlighted fields.', { newPassword: `Use at least ${minPasswordLength} characters` });
    case 'PASSWORD_TOO_LONG':
      return fail('Please fix the highlighted fields.', { newPassword: `Use at most ${maxPasswordLength} characters` });
    case 'CREDENTIAL_ACCOUNT_NOT_FOUND':
      return fail('Your account signs in through single sign-on: it has no password here. Set one with “Forgot password?” on the sign-in page.');
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
  const { currentPassword = '', newPassword = '', confirmPassword = '' } = pickFields(formData, ['currentPassword', 'newPassword', 'confirmPassword']);

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

const text = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === 'string' ? value : '';
};

/** What starting two-factor enrolment returns: the ten recovery codes, shown this once. */
export interface TwoFactorEnrolState extends ActionState {
  recoveryCodes?: string[];
}

/**
 * Starts TOTP enrolment (password required): the page then shows the QR code and key (read back from the pending
 * enrolment), and this result carries the recovery codes, never stored in clear. Nothing is on until a code confirms it.
 */
export async function startTwoFactorAction(_previous: TwoFactorEnrolState, formData: FormData): Promise<TwoFactorEnrolState> {
  let recoveryCodes: string[];
  try {
    const { auth, requestHeaders } = await ownSession();
    const password = text(formData, 'password');
    if (!password) return { status: 'error', message: 'Please fix the highlighted fields.', fieldErrors: { password: 'Enter your password' } };
    const enrolment = await auth.api.enableTwoFactor({ body: { password, method: 'totp' }, headers: requestHeaders });
    if (enrolment.method !== 'totp') throw new Error('Better Auth did not start a TOTP enrolment');
    recoveryCodes = enrolment.backupCodes;
  } catch (error) {
    return accountErrorToState(error, {}, 'password');
  }
  refresh();
  return { status: 'success', message: 'Scan the QR code with your authenticator app, then enter the code it shows.', recoveryCodes };
}

/** Confirms enrolment with the app's first code: two-factor sign-in is on from the next sign-in. */
export async function confirmTwoFactorAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const { auth, requestHeaders } = await ownSession();
    const code = text(formData, 'code').replace(/\s+/g, '');
    if (!code) return { status: 'error', message: 'Please fix the highlighted fields.', fieldErrors: { code: 'Enter the code from your app' } };
    await auth.api.verifyTOTP({ body: { code }, headers: requestHeaders });
  } catch (error) {
    return accountErrorToState(error, {});
  }
  // Better Auth replaced the session (the user now has two-factor on): a redirect renders with the new cookie.
  redirect('/account?two-factor=on');
}

/** Turns two-factor sign-in off; only with the password, so a borrowed session can't. */
export async function disableTwoFactorAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const { auth, requestHeaders } = await ownSession();
    const password = text(formData, 'password');
    if (!password) return { status: 'error', message: 'Please fix the highlighted fields.', fieldErrors: { password: 'Enter your password' } };
    await auth.api.disableTwoFactor({ body: { password }, headers: requestHeaders });
  } catch (error) {
    return accountErrorToState(error, {}, 'password');
  }
  redirect('/account?two-factor=off');
}

/** Sends a confirmation link to the new address; the email changes only when it is followed. */
export async function requestEmailChangeAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['email']);
  try {
    const { principal, requestHeaders } = await ownSession();
    const { email } = await requestEmailChange({ db: (await getDatabase()).db, principal }, values, mailRequestFrom(requestHeaders));
    return { status: 'success', message: `We sent a link to ${email}. Your email changes when you follow it (within 24 hours).` };
  } catch (error) {
    return errorToActionState(error, values);
  }
}

/** What starting to add a passkey returns: the options for navigator.credentials.create. */
export interface PasskeyCreationState extends ActionState {
  options?: PublicKeyCredentialCreationOptionsJSON;
}

/**
 * Starts adding a passkey: a challenge kept 5 minutes. A session over a day old must send the password too (a
 * borrowed, long-open session can't add a way in); a wrong one counts toward the password lockout.
 */
export async function passkeyCreationOptionsAction(_previous: PasskeyCreationState, formData: FormData): Promise<PasskeyCreationState> {
  const { password, name = '' } = pickFields(formData, ['password', 'name']);
  try {
    const { auth, requestHeaders } = await ownSession();
    // The name now: a bad one would only be refused after the browser made the credential.
    const named = passkeyNameSchema.safeParse(name);
    if (!named.success) return failure('Please fix the highlighted fields.', { name }, { name: named.error.issues[0]!.message });
    const options = await auth.api.passkeyRegisterOptions({ body: password ? { password } : {}, headers: requestHeaders });
    return { status: 'success', options };
  } catch (error) {
    return passkeyErrorToActionState(error, { name });
  }
}

/** Adds the passkey the browser just created, under the name the user gave it (`passkey.added`). */
export async function addPasskeyAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const { name = '', response } = pickFields(formData, ['name', 'response']);
  try {
    const { auth, requestHeaders } = await ownSession();
    const credential = parseCredentialResponse(response);
    if (!credential) return failure('The browser sent no passkey. Try again.', { name });
    await auth.api.passkeyRegister({ body: { name, response: credential } as never, headers: requestHeaders });
  } catch (error) {
    return passkeyErrorToActionState(error, { name });
  }
  refresh();
  return { status: 'success', message: 'Passkey added. You can sign in with it from now on.' };
}

/** Renames one of the caller's passkeys (`passkey.renamed`). */
export async function renamePasskeyAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id', 'name']);
  try {
    const { principal } = await ownSession();
    await renamePasskey({ db: (await getDatabase()).db, principal }, values.id ?? '', { name: values.name ?? '' });
  } catch (error) {
    return errorToActionState(error, values);
  }
  refresh();
  return { status: 'success', message: 'Passkey renamed.' };
}

/** Deletes one of the caller's passkeys: it signs nobody in from now on (`passkey.removed`). */
export async function deletePasskeyAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  try {
    const { principal } = await ownSession();
    await removePasskey({ db: (await getDatabase()).db, principal }, values.id ?? '');
  } catch (error) {
    return errorToActionState(error, values);
  }
  refresh();
  return { status: 'success', message: 'Passkey deleted.' };
}
