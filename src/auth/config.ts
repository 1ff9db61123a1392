import 'server-only';

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
