import 'server-only';
import { z } from 'zod';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '@/db/schema';
import { int32, isoDateTime, nextCursor, uuid } from '../bounds';
import { eventTypeName } from '../events/schemas';
import { PAGE_LIMIT_MAX } from '../page-query';
import { RESPONSE_EXCERPT_MAX } from './http-sender';
import { DESCRIPTION_MAX, subscribable, URL_MAX } from './schemas';

/** An endpoint as the API and the console show it (and the OpenAPI document publishes): never its signing secrets. */
export const webhookEndpointDto = z.strictObject({
  id: uuid(),
  url: z.url().max(URL_MAX),
  description: z.string().max(DESCRIPTION_MAX),
  /** Event types sent, or ['*'] for every deliverable one. */
  events: z.array(z.union([z.literal('*'), eventTypeName])).max(subscribable.length),
  enabled: z.boolean(),
  /**
   * Why it is disabled: 'manual', 'gone' (its receiver answered 410), 'failing' (every attempt failed for 5 days) or
   * 'creator-lost-access' (whoever made it was suspended, demoted or deleted, or the API key that made it was revoked
   * or expired).
   */
  disabledReason: z.enum(['manual', 'gone', 'failing', 'creator-lost-access']).nullable(),
  /** Since when every attempt has failed; null while deliveries succeed. */
  failingSince: isoDateTime().nullable(),
  /** The organization that owns it: it is sent only that organization's events. Null: an endpoint of the whole service. */
  organizationId: uuid().nullable(),
  version: int32(1),
  createdAt: isoDateTime(),
  updatedAt: isoDateTime(),
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
  id: uuid(),
  /** The `webhook-id` of every attempt. */
  eventId: uuid(),
  eventType: eventTypeName,
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: int32(0),
  /** When the next attempt is due; null once the delivery succeeded or failed for good. */
  nextAttemptAt: isoDateTime().nullable(),
  lastAttemptAt: isoDateTime().nullable(),
  /** The receiver's status code; null when there was no answer (refused, timed out). */
  lastStatusCode: int32(100, 999).nullable(),
  lastLatencyMs: int32(0).nullable(),
  /** The first KB of the receiver's last answer, or why there was none. */
  lastResponse: z.string().max(RESPONSE_EXCERPT_MAX).nullable(),
  createdAt: isoDateTime(),
});
export type WebhookDeliveryDto = z.infer<typeof webhookDeliveryDto>;
export const webhookDeliveryPage = z.strictObject({ items: z.array(webhookDeliveryDto).max(PAGE_LIMIT_MAX), nextCursor: nextCursor() });

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
