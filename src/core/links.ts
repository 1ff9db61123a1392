import 'server-only';

/** Where Roster is served: cookies, OAuth redirect URIs, JWT `iss`/`aud` and emailed links all derive from it. */
export function baseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.ROSTER_BASE_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/$/, '');
}

/** The absolute URL of a page that an emailed token opens, e.g. `/invite/<token>`. */
export const emailLink = (page: 'invite' | 'reset-password' | 'verify-email' | 'confirm-email', token: string) => `${baseUrl()}/${page}/${token}`;
