import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import type { Database } from '@/db/client';
import { users } from '@/db/schema';
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
 * The user a JWT speaks for, or null when it fails verification (signature, `iss`, `aud`, `exp`) or names
 * nobody. Roster's own tokens carry the user id as `sub`; an external issuer's are matched by `email`, else `sub`.
 */
export async function userIdFromJwt(db: Database, auth: Auth, token: string): Promise<string | null> {
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
      return payload.sub && isUuid(payload.sub) ? payload.sub : null;
    }
    if (external && issuer === external.issuer) {
      const { payload } = await jwtVerify(token, remoteKeySet(external.jwksUrl), {
        issuer: external.issuer,
        audience: external.audience,
        requiredClaims: ['exp'],
      });
      return externalUserId(db, payload);
    }
  } catch {
    return null;
  }
  return null;
}

async function externalUserId(db: Database, payload: JWTPayload): Promise<string | null> {
  const email = typeof payload.email === 'string' ? payload.email : null;
  const match = email
    ? eq(sql`lower(${users.email})`, email.toLowerCase())
    : payload.sub && isUuid(payload.sub)
      ? eq(users.id, payload.sub)
      : null;
  if (!match) return null;
  const [user] = await db.select({ id: users.id }).from(users).where(match);
  return user?.id ?? null;
}
