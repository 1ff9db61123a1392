import 'server-only';
import { and, desc, eq, gt, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { apiKeys, users } from '@/db/schema';
import { authorize } from '../authorization';
import type { CoreContext, Door, Principal } from '../principal';
import { toApiKeyDto, type ApiKeyDto } from './dto';
import { hashApiKeySecret } from './secret';

/** Newest first, revoked and expired keys included (the console marks them). */
export async function listApiKeys({ db, principal }: CoreContext): Promise<ApiKeyDto[]> {
  authorize(principal, 'api-keys:manage');
  const rows = await db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt)).limit(500);
  return rows.map(toApiKeyDto);
}

// Last-used is a hint for people cleaning up keys; writing it once a minute spares a write per request.
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The principal for an API key secret, or null when it is unknown, revoked, expired, or its creator is
 * suspended or no longer an admin or owner. Looked up by hash: the secret itself is never stored or compared.
 */
export async function authenticateApiKey(db: Database, secret: string, door: Door): Promise<Principal | null> {
  const now = new Date();
  const [key] = await db
    .select({ id: apiKeys.id, scopes: apiKeys.scopes, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(
      and(
        eq(apiKeys.secretHash, hashApiKeySecret(secret)),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
        // A key is worth no more than its creator: it stops while they are suspended or no longer allowed to make keys.
        or(isNull(apiKeys.createdBy), and(eq(users.status, 'active'), inArray(users.role, ['admin', 'owner']))),
      ),
    );
  if (!key) return null;
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)))));
  }
  return { kind: 'apiKey', door, keyId: key.id, scopes: key.scopes };
}
