import 'server-only';
import { z } from 'zod';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '@/db/schema';

/** An endpoint as the API and the console show it (and the OpenAPI document publishes): never its signing secrets. */
export const webhookEndpointDto = z.strictObject({
  id: z.uuid(),
  url: z.url(),
  description: z.string(),
  /** Event types sent, or ['*'] for every deliverable one. */
  events: z.array(z.string()),
  enabled: z.boolean(),
  /**
   * Why it is disabled: 'manual', 'gone' (its receiver answered 410), 'failing' (every attempt failed for 5 days) or
   * 'creator-lost-access' (whoever made it was suspended, demoted or deleted, or the API key that made it was revoked
   * or expired).
   */
  disabledReason: z.enum(['manual', 'gone', 'failing', 'creator-lost-access']).nullable(),
  /** Since when every attempt has failed; null while deliveries succeed. */
  failingSince: z.iso.datetime().nullable(),
  /** The organization that owns it: it is sent only that organization's events. Null: an endpoint of the whole service. */
  organizationId: z.uuid().nullable(),
  version: z.number().int().min(1),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type WebhookEndpointDto = z.infer<typeof webhookEndpointDto>;

export function toEndpointDto(row: WebhookEndpointRow): WebhookEndpointDto {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.eventTypes,
    enabled: row.enabled,
    disabledReason: row.disabledReason as WebhookEndpointDto['disabledReason'],
    failingSince: row.failingSince?.toISOString() ?? null,
    organizationId: row.organizationId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** One event for one endpoint, with its latest attempt. */
export const webhookDeliveryDto = z.strictObject({
  id: z.uuid(),
  /** The `webhook-id` of every attempt. */
  eventId: z.uuid(),
  eventType: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int().min(0),
  /** When the next attempt is due; null once the delivery succeeded or failed for good. */
  nextAttemptAt: z.iso.datetime().nullable(),
  lastAttemptAt: z.iso.datetime().nullable(),
  /** The receiver's status code; null when there was no answer (refused, timed out). */
  lastStatusCode: z.number().int().nullable(),
  lastLatencyMs: z.number().int().nullable(),
  /** The first KB of the receiver's last answer, or why there was none. */
  lastResponse: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type WebhookDeliveryDto = z.infer<typeof webhookDeliveryDto>;
export const webhookDeliveryPage = z.strictObject({ items: z.array(webhookDeliveryDto), nextCursor: z.string().nullable() });

export function toDeliveryDto(row: WebhookDeliveryRow): WebhookDeliveryDto {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: row.lastStatusCode,
    lastLatencyMs: row.lastLatencyMs,
    lastResponse: row.lastResponse,
    createdAt: row.createdAt.toISOString(),
  };
}
