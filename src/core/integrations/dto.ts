import 'server-only';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '@/db/schema';

/** An endpoint as the API and the console show it: never its signing secrets. */
export type WebhookEndpointDto = {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  /** Why it is disabled: 'manual', 'gone' (its receiver answered 410) or 'failing' (every attempt failed for 5 days). */
  disabledReason: string | null;
  /** Since when every attempt has failed; null while deliveries succeed. */
  failingSince: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export function toEndpointDto(row: WebhookEndpointRow): WebhookEndpointDto {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.eventTypes,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince?.toISOString() ?? null,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** One event for one endpoint, with its latest attempt. */
export interface WebhookDeliveryDto {
  id: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryRow['status'];
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  /** The first KB of the receiver's last answer, or why there was none. */
  lastResponse: string | null;
  createdAt: string;
}

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
