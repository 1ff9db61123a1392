import 'server-only';

import { parseSignUpPolicy, type SignUpPolicy } from '@/core/accounts/sign-up-policy';

export { baseUrl } from '@/core/links';

export interface OidcConfig {
  providerId: 'oidc';
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** OpenID Connect sign-in, when ROSTER_OIDC_ISSUER, ROSTER_OIDC_CLIENT_ID and ROSTER_OIDC_CLIENT_SECRET are set. */
export function oidcConfig(env: NodeJS.ProcessEnv = process.env): OidcConfig | null {
  const { ROSTER_OIDC_ISSUER: issuer, ROSTER_OIDC_CLIENT_ID: clientId, ROSTER_OIDC_CLIENT_SECRET: clientSecret } = env;
  if (!issuer || !clientId || !clientSecret) return null;
  return { providerId: 'oidc', name: env.ROSTER_OIDC_NAME ?? 'single sign-on', issuer: issuer.replace(/\/$/, ''), clientId, clientSecret };
}

let signUp: { setting: string | undefined; policy: SignUpPolicy } | undefined;

/** ROSTER_SIGN_UP, parsed (and so checked) once: throws on a bad value, which instrumentation.ts turns into a failed start. */
export function signUpPolicy(): SignUpPolicy {
  const setting = process.env.ROSTER_SIGN_UP;
  if (!signUp || signUp.setting !== setting) signUp = { setting, policy: parseSignUpPolicy(setting) };
  return signUp.policy;
}
