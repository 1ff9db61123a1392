import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { scimConnections, scimTokens } from '@/db/schema';
import { hashApiKeySecret } from '../api-keys/secret';
import { processScimTokenCache, type CachedToken, type ScimTokenCache } from './token-cache';

/** What a SCIM request may touch: one connection of one organization, named by the bearer token alone. */
export interface ScimScope {
  connectionId: string;
  organizationId: string;
  /** Whether users this connection provisions get an email to set a password (`invitation`) or none. */
  passwordSetup: 'none' | 'invitation';
}

const TOKEN_PREFIX = 'scim_';

/** 256 random bits, stored as a SHA-256 hash like API keys (too many bits to guess, so a fast hash is right). */
export function newScimToken(): { token: string; hash: string; prefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashApiKeySecret(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

// Last use is a hint for people cleaning up tokens; writing it once a minute spares a write per request.
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The scope of a SCIM request from its `Authorization` header value, or null when the header is missing or malformed,
 * or the token is unknown, revoked, past its rotation overlap, or its connection is revoked. Looked up by hash: the
 * token itself is never stored or compared. A token found valid is remembered for a few seconds (`cache`, the
 * process's by default): revoking or rotating forgets it (src/core/scim/token-cache.ts).
 */
export async function authenticateScimToken(
  db: Database,
  authorizationHeader: string | null | undefined,
  cache: ScimTokenCache = processScimTokenCache(),
): Promise<ScimScope | null> {
  const token = /^Bearer +(\S+)$/i.exec(authorizationHeader?.trim() ?? '')?.[1];
  if (!token?.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const hash = hashApiKeySecret(token);
  const found = cache.get(hash) ?? (await lookUpToken(db, hash, cache));
  if (!found) return null;
  const now = new Date();
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // The cached entry too: the next minute's requests need not write again.
    found.lastUsedAt = now;
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await db
      .update(scimTokens)
      .set({ lastUsedAt: now })
      .where(and(eq(scimTokens.id, found.tokenId), or(isNull(scimTokens.lastUsedAt), lt(scimTokens.lastUsedAt, stale))));
  }
  return found.scope;
}

async function lookUpToken(db: Database, hash: string, cache: ScimTokenCache): Promise<CachedToken | undefined> {
  const lookup = cache.startLookup();
  const [row] = await db
    .select({
      tokenId: scimTokens.id,
      expiresAt: scimTokens.expiresAt,
      lastUsedAt: scimTokens.lastUsedAt,
      connectionId: scimConnections.id,
      organizationId: scimConnections.organizationId,
      passwordSetup: scimConnections.passwordSetup,
    })
    .from(scimTokens)
    .innerJoin(scimConnections, eq(scimConnections.id, scimTokens.connectionId))
    .where(
      and(
        eq(scimTokens.secretHash, hash),
        isNull(scimTokens.revokedAt),
        or(isNull(scimTokens.expiresAt), gt(scimTokens.expiresAt, new Date())),
        isNull(scimConnections.revokedAt),
      ),
    );
  if (!row) return undefined;
  const found: CachedToken = {
    scope: { connectionId: row.connectionId, organizationId: row.organizationId, passwordSetup: row.passwordSetup },
    tokenId: row.tokenId,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
  };
  cache.set(hash, found, lookup);
  return found;
}
