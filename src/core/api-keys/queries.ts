import 'server-only';
import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { apiKeys, users } from '@/db/schema';
import { authorize, rolesHolding } from '../authorization';
import { UNPAGED_LIST_MAX } from '../bounds';
import type { CoreContext, Door, Principal } from '../principal';
import type { Role } from '../users/schemas';
import { toApiKeyDto, type ApiKeyDto } from './dto';
import { authorizeOrganizationKeys, organizationKeyMakerRoles } from './organization-access';
import { hashApiKeySecret } from './secret';

/**
 * Whether a key works at `now`: not revoked, not expired, and its maker active and still allowed to make keys (a key
 * is worth no more than its maker; a CLI key has none): staff who manage keys, or, for an organization's key, an
 * owner or admin of that organization whose membership is not suspended (a SCIM `active: false` stops their keys at
 * once, and `active: true` brings them back, as a demotion and a promotion would). Written on the key's table and its maker's (`users` left joined on
 * created_by) by name or alias, so that any query, with any other tables in it, can embed it.
 */
export const keyIsUsable = (now: Date, { key = 'api_keys', maker = 'users' } = {}): SQL => {
  const [k, m] = [sql.identifier(key), sql.identifier(maker)];
  const organizationManager = sql`(${k}.organization_id is not null and exists (select 1 from organization_members key_maker_membership
    where key_maker_membership.organization_id = ${k}.organization_id and key_maker_membership.user_id = ${k}.created_by
    and key_maker_membership.suspended_at is null and ${inArray(sql`key_maker_membership.role`, organizationKeyMakerRoles)}))`;
  return sql`(${k}.revoked_at is null and (${k}.expires_at is null or ${k}.expires_at > ${now.toISOString()}::timestamptz)
    and (${k}.created_by is null or (${m}.status = 'active' and (${inArray(sql`${m}.role`, rolesHolding('api-keys:manage'))} or ${organizationManager}))))`;
};


/** The role of a key's maker, on its maker's table (`users` left joined, by name or alias): the CLI's keys stand with owners. */
export const keyMakerRole = (maker = 'users') => sql<Role>`coalesce(${sql.identifier(maker)}.role, 'owner')`;

/**
 * Newest first, revoked and expired keys included (the console marks them). Admins see owners' keys too (the audit
 * trail shows them anyway) but may not revoke them: `madeBy` says whose they are.
 */
export async function listApiKeys({ db, principal }: CoreContext): Promise<ApiKeyDto[]> {
  authorize(principal, 'api-keys:manage');
  return newestKeys(db);
}

/** Organization `organizationId`'s keys, as listApiKeys lists them: for staff who manage keys and its owners and admins. */
export async function listOrganizationApiKeys({ db, principal }: CoreContext, organizationId: string): Promise<ApiKeyDto[]> {
  await authorizeOrganizationKeys(db, principal, organizationId);
  return newestKeys(db, eq(apiKeys.organizationId, organizationId));
}

async function newestKeys(db: Database, condition?: SQL): Promise<ApiKeyDto[]> {
  const rows = await db
    .select({ key: apiKeys, madeBy: keyMakerRole() })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(condition)
    .orderBy(desc(apiKeys.createdAt))
    .limit(UNPAGED_LIST_MAX);
  return rows.map(({ key, madeBy }) => toApiKeyDto(key, madeBy));
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
    .select({ id: apiKeys.id, scopes: apiKeys.scopes, organizationId: apiKeys.organizationId, lastUsedAt: apiKeys.lastUsedAt, madeBy: keyMakerRole() })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(and(eq(apiKeys.secretHash, hashApiKeySecret(secret)), keyIsUsable(now)));
  if (!key) return null;
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)))));
  }
  const principal: Principal = { kind: 'apiKey', door, keyId: key.id, scopes: key.scopes, ownerLevel: key.madeBy === 'owner' };
  return key.organizationId === null ? principal : { ...principal, organizationId: key.organizationId };
}
