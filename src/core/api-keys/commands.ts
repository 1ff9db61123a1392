import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { apiKeys } from '@/db/schema';
import { diffFields, recordEvent } from '../events';
import { authorize } from '../authorization';
import { NotFound, PreconditionFailed } from '../errors';
import type { CoreContext } from '../principal';
import { isUuid, parseInput } from '../validation';
import { toApiKeyDto, toApiKeyEventData, type ApiKeyDto } from './dto';
import { createApiKeyInput, type CreateApiKeyInput } from './schemas';
import { displayPrefix, hashApiKeySecret, newApiKeySecret } from './secret';

/** Returns the secret this once; only its hash is stored. */
export async function createApiKey(
  ctx: CoreContext,
  rawInput: CreateApiKeyInput | unknown,
): Promise<{ apiKey: ApiKeyDto; secret: string }> {
  authorize(ctx.principal, 'api-keys:manage');
  const input = parseInput(createApiKeyInput, rawInput);
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
        expiresAt: input.expiresAt ?? null,
      })
      .returning();
    await recordEvent(tx, ctx.principal, {
      type: 'api-key.created',
      subject: { type: 'api-key', id: row!.id },
      changes: diffFields(undefined, { name: row!.name, scopes: row!.scopes, expiresAt: row!.expiresAt?.toISOString() }, ['name', 'scopes', 'expiresAt']),
      data: { apiKey: toApiKeyEventData(row!) },
    });
    return { apiKey: toApiKeyDto(row!), secret };
  });
}

/** Revoking takes effect on the key's next request. A revoked key stays listed, for the audit trail. */
export async function revokeApiKey(ctx: CoreContext, id: string): Promise<ApiKeyDto> {
  authorize(ctx.principal, 'api-keys:manage');
  if (!isUuid(id)) throw new NotFound('API key');
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) {
      const [existing] = await tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id));
      if (!existing) throw new NotFound('API key');
      throw new PreconditionFailed('This API key is already revoked.');
    }
    await recordEvent(tx, ctx.principal, {
      type: 'api-key.revoked',
      subject: { type: 'api-key', id },
      changes: { revokedAt: { before: null, after: row.revokedAt!.toISOString() } },
      data: { apiKey: toApiKeyEventData(row) },
    });
    return toApiKeyDto(row);
  });
}
