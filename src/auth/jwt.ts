import 'server-only';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { userIdForExternalSubject } from '@/core/accounts/external-identities';
import type { Database } from '@/db/client';
import { isUuid } from '@/core/validation';
import type { Auth } from './auth';
import { baseUrl } from './config';

export const looksLikeJwt = (token: string) => token.split('.').length === 3;

/** An external issuer whose JWTs Roster accepts: ROSTER_JWT_ISSUER + ROSTER_JWKS_URL (+ ROSTER_JWT_AUDIENCE). */
function externalIssuer(env: NodeJS.ProcessEnv = process.env) {
  const { ROSTER_JWT_ISSUER: issuer, ROSTER_JWKS_URL: jwksUrl } = env;
  if (!issuer || !jwksUrl) return null;
  return { issuer, jwksUrl, audience: env.ROSTER_JWT_AUDIENCE ?? baseUrl(env) };
}

// jose caches the remote key set and refetches it when a token names an unknown key (rotation).
const remoteKeySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function remoteKeySet(url: string) {
  if (!remoteKeySets.has(url)) remoteKeySets.set(url, createRemoteJWKSet(new URL(url)));
  return remoteKeySets.get(url)!;
}

/**
 * The claims of a JWT minted from an impersonation session: RFC 8693's `act` names the admin acting (`act.sub`), and
 * `impersonation_id` the impersonation, so the product's app can show its own banner and Roster can check it is open.
 */
export function impersonatorClaims(session: Record<string, unknown>): Record<string, unknown> {
  if (typeof session.impersonationId !== 'string' || typeof session.impersonatedBy !== 'string') return {};
  return { act: { sub: session.impersonatedBy }, impersonation_id: session.impersonationId };
}

/** Whom a verified JWT speaks for: the user, and the impersonation it was minted under, if any. */
export interface JwtSubject {
  userId: string;
  impersonationId?: string;
}

/**
 * The user a JWT speaks for, or null when it fails verification (signature, `iss`, `aud`, `exp`) or names
 * nobody. Roster's own tokens carry the user id as `sub`; an external issuer's `sub` is its own id of the person,
 * mapped to a user through a stored link, made the first time by a verified email (userIdForExternalSubject).
 */
export async function subjectOfJwt(db: Database, auth: Auth, token: string, clientIp: string | null): Promise<JwtSubject | null> {
  let issuer: string | undefined;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    return null;
  }
  const ours = baseUrl();
  const external = externalIssuer();
  try {
    if (issuer === ours) {
      const { payload } = await jwtVerify(token, createLocalJWKSet(await auth.api.getJwks()), { issuer: ours, audience: ours, requiredClaims: ['exp', 'sub'] });
      if (!payload.sub || !isUuid(payload.sub)) return null;
      const impersonationId = payload.impersonation_id;
      if (impersonationId === undefined) return { userId: payload.sub };
      return typeof impersonationId === 'string' && isUuid(impersonationId) ? { userId: payload.sub, impersonationId } : null;
    }
    if (external && issuer === external.issuer) {
      const { payload } = await jwtVerify(token, remoteKeySet(external.jwksUrl), {
        issuer: external.issuer,
        audience: external.audience,
        requiredClaims: ['exp', 'sub'],
      });
      const claims = { issuer: external.issuer, subject: payload.sub!, email: payload.email, emailVerified: payload.email_verified, clientIp };
      const userId = await userIdForExternalSubject(db, claims);
      return userId ? { userId } : null;
    }
  } catch {
    return null;
  }
  return null;
}
