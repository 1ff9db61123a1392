import 'server-only';
import { headers } from 'next/headers';
import { getAuth } from '@/auth';
import type { OidcConfig } from '@/auth/config';

/**
 * Starts the OpenID Connect flow for this browser and returns the provider's sign-in address. Better Auth appends
 * `?error=<code>` (and error_description) to /sign-in when the provider or the callback fails.
 */
export async function oidcSignInUrl(oidc: OidcConfig, callbackURL: string): Promise<string | undefined> {
  const { url } = await (await getAuth()).api.signInSocial({
    body: { provider: oidc.providerId, callbackURL, errorCallbackURL: '/sign-in', disableRedirect: true },
    headers: await headers(),
  });
  return url;
}
