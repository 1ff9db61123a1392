'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getAuth } from '@/auth';
import { oidcConfig } from '@/auth/config';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { ActionState } from '@/actions/action-state';
import { secondFactorErrorToActionState, signInErrorToActionState } from '@/actions/auth-error';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields } from '@/actions/form-data';
import { oidcSignInUrl } from '@/actions/oidc-sign-in';
import { parseCredentialResponse, passkeyErrorToActionState } from '@/actions/passkey-error';
import { defaultConsolePath, safeNextPath } from '@/lib/next-path';

/** Email and password sign-in. Sets the session cookie (nextCookies) and goes on to `next` or the users list. */
export async function signInAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  // The password is never echoed back: a failed form shows the email only.
  const values = pickFields(formData, ['email', 'next']);
  const password = pickFields(formData, ['password']).password ?? '';
  const email = values.email?.trim() ?? '';
  const fieldErrors: Record<string, string> = {};
  if (!email) fieldErrors.email = 'Email is required';
  if (password.length === 0) fieldErrors.password = 'Password is required';
  if (Object.keys(fieldErrors).length > 0) return { status: 'error', message: 'Please fix the highlighted fields.', fieldErrors, values };

  let result: unknown;
  try {
    result = await (await getAuth()).api.signInEmail({ body: { email, password }, headers: await headers() });
  } catch (error) {
    return signInErrorToActionState(error, values);
  }
  const next = safeNextPath(values.next);
  // Two-factor accounts get no session yet: Better Auth set a short-lived challenge cookie instead.
  if ((result as { twoFactorRedirect?: boolean }).twoFactorRedirect) redirect(next ? `/sign-in/two-factor?next=${encodeURIComponent(next)}` : '/sign-in/two-factor');
  redirect(next ?? defaultConsolePath);
}

/**
 * The second step of a two-factor sign-in: a code from the authenticator app, or one of the recovery codes. A wrong
 * code counts toward the sign-in limits; after too many, the sign-in starts over.
 */
export async function verifySecondFactorAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['next', 'method']);
  const code = (pickFields(formData, ['code']).code ?? '').replace(/\s+/g, '');
  if (!code) return { status: 'error', message: 'Please fix the highlighted fields.', fieldErrors: { code: 'Enter the code' }, values };
  try {
    const auth = await getAuth();
    const request = { body: { code }, headers: await headers() };
    await (values.method === 'recovery' ? auth.api.verifyBackupCode(request) : auth.api.verifyTOTP(request));
  } catch (error) {
    return secondFactorErrorToActionState(error, values);
  }
  redirect(safeNextPath(values.next) ?? defaultConsolePath);
}

/** "Continue with …": starts the OpenID Connect flow and sends the browser to the provider. */
export async function signInWithOidcAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['next']);
  const oidc = oidcConfig();
  if (!oidc) return { status: 'error', message: 'Single sign-on is not configured.', values };
  let url: string | undefined;
  try {
    url = await oidcSignInUrl(oidc, safeNextPath(values.next) ?? defaultConsolePath);
  } catch (error) {
    return errorToActionState(error, values);
  }
  if (!url) return { status: 'error', message: `${oidc.name} did not return a sign-in address. Try again.`, values };
  redirect(url);
}

/** What starting a passkey sign-in returns: the options for navigator.credentials.get (a challenge, kept 5 minutes). */
export interface PasskeyRequestState extends ActionState {
  options?: PublicKeyCredentialRequestOptionsJSON;
}

/** Starts a passkey sign-in (the button, or the browser's autofill): a fresh challenge in the database, its id in a cookie. */
export async function passkeySignInOptionsAction(): Promise<PasskeyRequestState> {
  try {
    const options = await (await getAuth()).api.passkeySignInOptions({ headers: await headers() });
    return { status: 'success', options };
  } catch (error) {
    return passkeyErrorToActionState(error, {});
  }
}

/** Finishes a passkey sign-in with the authenticator's response: a session (two factors, with user verification), then `next`. */
export async function passkeySignInAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['next', 'response']);
  const response = parseCredentialResponse(values.response);
  const echoed = { next: values.next ?? '' };
  if (!response) return { status: 'error', message: 'The browser sent no passkey response. Try again.', values: echoed };
  try {
    await (await getAuth()).api.passkeySignIn({ body: { response } as never, headers: await headers() });
  } catch (error) {
    return passkeyErrorToActionState(error, echoed);
  }
  redirect(safeNextPath(values.next) ?? defaultConsolePath);
}
