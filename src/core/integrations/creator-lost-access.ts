import 'server-only';
import { and, eq, inArray, or } from 'drizzle-orm';
import type { Transaction } from '@/db/client';
import { apiKeys, webhookEndpoints, type UserRow } from '@/db/schema';
import { roleHolds } from '../authorization';
import type { Principal } from '../principal';
import { applyEndpointChanges } from './endpoints';

/** The disabledReason of an endpoint whose maker lost `webhooks:write` (or whose key was revoked or expired). */
export const creatorLostAccess = 'creator-lost-access';

/** Whether a user holds the right their endpoints (and their keys' endpoints) live on. */
export const holdsWebhookRight = (user: Pick<UserRow, 'status' | 'role'>) => user.status === 'active' && roleHolds(user.role, 'webhooks:write');

/**
 * Disables, in the transaction that takes a right away, every enabled endpoint that right made: a user's own and
 * those of their API keys (which stop working with them), or one key's. Each is recorded as
 * `webhook-endpoint.disabled` by `principal`, who took the right away. Enabling one again makes its enabler its maker.
 */
export async function disableEndpointsMadeBy(tx: Transaction, principal: Principal, maker: { userId: string } | { apiKeyId: string }): Promise<void> {
  const madeBy =
    'userId' in maker
      ? or(eq(webhookEndpoints.createdBy, maker.userId), inArray(webhookEndpoints.createdByApiKeyId, tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.createdBy, maker.userId))))
      : eq(webhookEndpoints.createdByApiKeyId, maker.apiKeyId);
  const endpoints = await tx.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.enabled, true), madeBy)).orderBy(webhookEndpoints.id).for('update');
  for (const endpoint of endpoints) {
    await applyEndpointChanges(tx, principal, endpoint, { enabled: false, disabledReason: creatorLostAccess }, 'webhook-endpoint.disabled');
  }
}
