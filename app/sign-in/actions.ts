'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getAuth } from '@/auth';
import { oidcConfig } from '@/auth/config';
import type { ActionState } from '@/actions/action-state';
import { signInErrorToActionState } from '@/actions/auth-error';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields } from '@/actions/form-data';
import { defaultConsolePath, safeNextPath } from '@/lib/next-path';

/** Email and password sign-in. Sets the session cookie (nextCookies) and goes on to `next` or the users list. */
export async function signInAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  // The password is never echoed back: a failed form shows the email only.
  const values = pickFields(formData, ['email', 'next']);
  const password = formData.get('password');
  const email = values.email?.trim() ?? '';
  const fieldErrors: Record<string, string> = {};
  if (!email) fieldErrors.email = 'Email is required';
  if (typeof password !== 'string' || password.length === 0) fieldErrors.password = 'Password is required';
  if (Object.keys(fieldErrors).length > 0) return { status: 'error', message: 'Please fix the highlighted fields.', fieldErrors, values };

  try {
    await (await getAuth()).api.signInEmail({ body: { email, password: password as string }, headers: await headers() });
  } catch (error) {
    return signInErrorToActionState(error, values);
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
    ({ url } = await (await getAuth()).api.signInSocial({
      body: {
        provider: oidc.providerId,
        callbackURL: safeNextPath(values.next) ?? defaultConsolePath,
        // Better Auth appends `?error=<code>` (and error_description) here when the provider or callback fails.
        errorCallbackURL: '/sign-in',
        disableRedirect: true,
      },
      headers: await headers(),
    }));
  } catch (error) {
    return errorToActionState(error, values);
  }
  if (!url) return { status: 'error', message: `${oidc.name} did not return a sign-in address. Try again.`, values };
  redirect(url);
}
