import 'server-only';
import { and, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { apiKeys, users } from '@/db/schema';
import { diffFields, recordEvent } from '../events';
import { authorize, authorizeManagement } from '../authorization';
import { NotFound, PreconditionFailed } from '../errors';
import { disableEndpointsMadeBy } from '../integrations/creator-lost-access';
import type { CoreContext, Principal } from '../principal';
import type { Role } from '../users/schemas';
import { isUuid, parseInput } from '../validation';
import { toApiKeyDto, toApiKeyEventData, type ApiKeyDto } from './dto';
import { authorizeOrganizationKeys } from './organization-access';
import { keyMakerRole } from './queries';
import { refuseWhileImpersonating } from '../impersonation/rules';
import { createApiKeyInput, createOrganizationApiKeyInput, type CreateApiKeyInput, type CreateOrganizationApiKeyInput } from './schemas';
import { displayPrefix, hashApiKeySecret, newApiKeySecret } from './secret';

type NewKey = { name: string; scopes: ApiKeyDto['scopes']; expiresAt?: Date };

/** Returns the secret this once; only its hash is stored. */
export async function createApiKey(ctx: CoreContext, rawInput: CreateApiKeyInput | unknown): Promise<{ apiKey: ApiKeyDto; secret: string }> {
  authorize(ctx.principal, 'api-keys:manage');
  refuseWhileImpersonating(ctx.principal, 'creating API keys');
  return insertKey(ctx, parseInput(createApiKeyInput, rawInput), null);
}

/** A key owned by organization `organizationId`, acting only inside it; the secret is returned this once. */
export async function createOrganizationApiKey(
  ctx: CoreContext,
  organizationId: string,
  rawInput: CreateOrganizationApiKeyInput | unknown,
): Promise<{ apiKey: ApiKeyDto; secret: string }> {
  await authorizeOrganizationKeys(ctx.db, ctx.principal, organizationId);
  refuseWhileImpersonating(ctx.principal, 'creating API keys');
  return insertKey(ctx, parseInput(createOrganizationApiKeyInput, rawInput), organizationId);
}

/**
 * Revoking takes effect on the key's next request, and disables the webhook endpoints the key made, in the same
 * transaction. A revoked key stays listed, for the audit trail. Only owners revoke what an owner (or the CLI) made.
 */
export async function revokeApiKey(ctx: CoreContext, id: string): Promise<ApiKeyDto> {
  authorize(ctx.principal, 'api-keys:manage');
  return revokeKey(ctx, id, { organizationId: null, checkMaker: true });
}

/**
 * revokeApiKey for one of organization `organizationId`'s keys (a key of any other organization is not found). Its
 * owners and admins revoke any of its keys, whoever made them; staff as they revoke any key.
 */
export async function revokeOrganizationApiKey(ctx: CoreContext, organizationId: string, id: string): Promise<ApiKeyDto> {
  const as = await authorizeOrganizationKeys(ctx.db, ctx.principal, organizationId);
  return revokeKey(ctx, id, { organizationId, checkMaker: as === 'staff' });
}

function insertKey(ctx: CoreContext, input: NewKey, organizationId: string | null): Promise<{ apiKey: ApiKeyDto; secret: string }> {
  const secret = newApiKeySecret();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        id: uuidv7(),
        name: input.name,
        prefix: displayPrefix(secret),
        secretHash: hashApiKeySecret(secret),
        scopes: input.scopes,
        createdBy: ctx.principal.kind === 'user' ? ctx.principal.userId : null,
        organizationId,
        expiresAt: input.expiresAt ?? null,
      })
      .returning();
    await recordEvent(tx, ctx.principal, {
      type: 'api-key.created',
      subject: { type: 'api-key', id: row!.id },
      ...(organizationId ? { organizationId } : {}),
      changes: diffFields(undefined, { name: row!.name, scopes: row!.scopes, expiresAt: row!.expiresAt?.toISOString() }, ['name', 'scopes', 'expiresAt']),
      data: { apiKey: toApiKeyEventData(row!) },
    });
    return { apiKey: toApiKeyDto(row!, makerRoleOf(ctx.principal)), secret };
  });
}

/**
 * Revokes key `id`, looked up inside organization `organizationId` when one is given (else among every key);
 * `checkMaker`: only owners revoke what an owner made.
 */
function revokeKey(ctx: CoreContext, id: string, { organizationId, checkMaker }: { organizationId: string | null; checkMaker: boolean }): Promise<ApiKeyDto> {
  if (!isUuid(id)) throw new NotFound('API key');
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ key: apiKeys, madeBy: keyMakerRole() })
      .from(apiKeys)
      .leftJoin(users, eq(users.id, apiKeys.createdBy))
      .where(and(eq(apiKeys.id, id), organizationId ? eq(apiKeys.organizationId, organizationId) : undefined))
      .for('update', { of: apiKeys });
    if (!current) throw new NotFound('API key');
    if (checkMaker) authorizeManagement(ctx.principal, current.madeBy);
    if (current.key.revokedAt) throw new PreconditionFailed('This API key is already revoked.');
    const [row] = await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id)).returning();
    await recordEvent(tx, ctx.principal, {
      type: 'api-key.revoked',
      subject: { type: 'api-key', id },
      ...(row!.organizationId ? { organizationId: row!.organizationId } : {}),
      changes: { revokedAt: { before: null, after: row!.revokedAt!.toISOString() } },
      data: { apiKey: toApiKeyEventData(row!) },
    });
    await disableEndpointsMadeBy(tx, ctx.principal, { apiKeyId: id });
    return toApiKeyDto(row!, current.madeBy);
  });
}

/** The role that stands behind a key `principal` makes: theirs (a user's), or an owner's (the CLI's). */
const makerRoleOf = (principal: Principal): Role => (principal.kind === 'user' ? principal.role : 'owner');
