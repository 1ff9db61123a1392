'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getAuth } from '@/auth';
import { oidcConfig } from '@/auth/config';
import { limitAuthRequest } from '@/auth/request-limit';
import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { clientIp } from '@/actions/client-ip';
import { errorToActionState } from '@/actions/error-to-state';
import { expireUserViews } from '@/actions/expire';
import { pickFields } from '@/actions/form-data';
import { oidcSignInUrl } from '@/actions/oidc-sign-in';
import { newPasswordErrors } from '@/actions/new-password';
import { acceptInvitation, joinByInvitation } from '@/core/invitations';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { defaultConsolePath } from '@/lib/next-path';

/**
 * Accepts an invitation with a name and password, then signs the new account in. Anonymous, so limited per client IP
 * like the sign-in endpoints (ROSTER_AUTH_RATE_LIMIT_IP), as is the single sign-on variant below.
 */
export async function acceptInvitationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['name']);
  const { password, fieldErrors } = newPasswordErrors(formData);
  if (fieldErrors) return { status: 'error', message: 'Please fix the highlighted fields.', fieldErrors, values };
  let email: string;
  try {
    await limitAuthRequest(await clientIp());
    const accepted = await acceptInvitation((await getDatabase()).db, pickFields(formData, ['token']).token, { name: values.name ?? '', password });
    email = accepted.email;
    expireUserViews(accepted.userId);
  } catch (error) {
    return errorToActionState(error, values);
  }
  try {
    await (await getAuth()).api.signInEmail({ body: { email, password }, headers: await headers() });
  } catch (error) {
    // The account exists; only the automatic sign-in failed (e.g. rate limited). They can sign in by hand.
    logger.warn({ err: error }, 'sign-in after accepting an invitation failed');
    redirect('/sign-in');
  }
  redirect(defaultConsolePath);
}

/**
 * Accepts an invitation for single sign-on: the account is created with the invited (verified) address and no
 * password, then the provider's sign-in links to it when it vouches for that same address.
 */
export async function acceptInvitationWithOidcAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['name']);
  const oidc = oidcConfig();
  if (!oidc) return { status: 'error', message: 'Single sign-on is not configured.', values };
  let url: string | undefined;
  try {
    await limitAuthRequest(await clientIp());
    const { userId } = await acceptInvitation((await getDatabase()).db, pickFields(formData, ['token']).token, { name: values.name ?? '' });
    expireUserViews(userId);
    url = await oidcSignInUrl(oidc, defaultConsolePath);
  } catch (error) {
    return errorToActionState(error, values);
  }
  if (!url) redirect('/sign-in');
  redirect(url);
}

/**
 * Joins the organization an invitation names, as the signed-in account (an invitee who already has one): the core
 * adds the membership only if this account's verified email is the invited address. Then shows that it worked.
 */
export async function joinOrganizationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  try {
    await joinByInvitation(await actionContext(), pickFields(formData, ['token']).token);
  } catch (error) {
    return errorToActionState(error, {});
  }
  redirect('/invite/joined');
}
