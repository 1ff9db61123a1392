import 'server-only';
import { eq } from 'drizzle-orm';
import type { Transaction } from '@/db/client';
import { apiKeys, webhookEndpoints } from '@/db/schema';
import { toApiKeyEventData } from '../api-keys/dto';
import { recordEvent } from '../events';
import { toEndpointDto } from '../integrations/dto';
import type { Principal } from '../principal';
import { removeScimConnections } from '../scim/connections';

/**
 * Deletes an organization's webhook endpoints, API keys and SCIM connections, in the transaction that deletes the
 * organization (its row's foreign keys would cascade to them anyway: this records each, as `webhook-endpoint.deleted`
 * and, for a key or connection still live, `api-key.revoked` or `scim-connection.revoked`).
 */
export async function removeOrganizationCredentials(tx: Transaction, principal: Principal, organizationId: string): Promise<void> {
  const endpoints = await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.organizationId, organizationId)).returning();
  for (const row of endpoints) {
    const endpoint = toEndpointDto(row);
    await recordEvent(tx, principal, {
      type: 'webhook-endpoint.deleted',
      subject: { type: 'webhook-endpoint', id: endpoint.id },
      organizationId,
      changes: { url: { before: endpoint.url, after: null } },
      data: { endpoint },
    });
  }
  const revokedAt = new Date();
  const keys = await tx.delete(apiKeys).where(eq(apiKeys.organizationId, organizationId)).returning();
  for (const row of keys.filter((key) => key.revokedAt === null)) {
    await recordEvent(tx, principal, {
      type: 'api-key.revoked',
      subject: { type: 'api-key', id: row.id },
      organizationId,
      changes: { revokedAt: { before: null, after: revokedAt.toISOString() } },
      data: { apiKey: toApiKeyEventData({ ...row, revokedAt }) },
    });
  }
  await removeScimConnections(tx, principal, organizationId);
}
