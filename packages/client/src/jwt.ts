import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export interface RosterJwtOptions {
  /** Roster's origin (its ROSTER_BASE_URL): the JWKS is at `/api/auth/jwks`, and it is the tokens' `iss` and `aud`. */
  rosterUrl: string;
  /** Another expected `aud`, if Roster's tokens name one. */
  audience?: string;
}

/** What Roster's JWTs (`GET /api/auth/token`, 15 minutes) say: the user's id as `sub`, and their email. */
export interface RosterClaims extends JWTPayload {
  sub: string;
  email?: string;
}

export type RosterJwtVerifier = (token: string) => Promise<RosterClaims>;

/**
 * Verifies Roster's JWTs (signature, `iss`, `aud`, `exp`) against its JWKS, fetched once and again when a token names
 * a key it hasn't seen (rotation). Throws a jose error for a token that fails.
 */
export function rosterJwtVerifier({ rosterUrl, audience }: RosterJwtOptions): RosterJwtVerifier {
  const issuer = rosterUrl.replace(/\/$/, '');
  const keys = createRemoteJWKSet(new URL('/api/auth/jwks', issuer));
  return async (token) => {
    const { payload } = await jwtVerify<RosterClaims>(token, keys, { issuer, audience: audience ?? issuer, requiredClaims: ['exp', 'sub'] });
    return payload;
  };
}

export interface RosterProxyOptions extends RosterJwtOptions {
  /** A cookie that holds the JWT, for pages (API requests send `Authorization: Bearer`). */
  cookie?: string;
  /** Where to send a page request without a valid token (with `?next=<path>`); unset: 401 problem+json. */
  signInUrl?: string;
}

/** The bearer of `Authorization`, or else the named cookie's value. */
function tokenOf(request: Request, cookie: string | undefined): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  if (bearer) return bearer;
  if (!cookie) return null;
  for (const pair of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === cookie) return decodeURIComponent(value.join('='));
  }
  return null;
}

/**
 * For a Next.js app's `proxy.ts`: lets requests with a valid Roster JWT through (returns undefined, so Next goes on)
 * and answers the others: a redirect to `signInUrl`, or 401 problem+json.
 */
export function rosterProxy({ cookie, signInUrl, ...jwt }: RosterProxyOptions): (request: Request) => Promise<Response | undefined> {
  const verify = rosterJwtVerifier(jwt);
  return async (request) => {
    const token = tokenOf(request, cookie);
    try {
      if (token) {
        await verify(token);
        return undefined;
      }
    } catch {
      // Falls through to the refusal: a bad signature, another issuer or an expired token are all "not signed in".
    }
    if (signInUrl) {
      const target = new URL(signInUrl, request.url);
      const { pathname, search } = new URL(request.url);
      target.searchParams.set('next', pathname + search);
      return Response.redirect(target, 303);
    }
    return Response.json(
      { type: 'urn:roster:problem:unauthenticated', title: 'Unauthorized', status: 401, detail: 'A valid Roster JWT is required.' },
      { status: 401, headers: { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' } },
    );
  };
}
