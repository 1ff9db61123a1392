import 'server-only';
import { and, eq, gt, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '@/db/client';
import { webhookDeliveries, webhookEndpoints, type WebhookDeliveryRow, type WebhookEndpointRow } from '@/db/schema';
import type { Principal } from '../principal';
import { creatorLostAccess } from './creator-lost-access';
import { applyEndpointChanges } from './endpoints';
import { sendWebhook, type Send } from './http-sender';
import { makerHoldsRight } from './makers';
import { networkPolicyFromEnv, type NetworkPolicy } from './network';
import { signatureHeaders, type SecretBox } from './signing';

const second = 1_000;
const minute = 60 * second;
const hour = 60 * minute;

/** Standard Webhooks' schedule: the wait before each attempt, the first at once. After the last one, the delivery has failed. */
export const retrySchedule = [0, 5 * second, 5 * minute, 30 * minute, 2 * hour, 5 * hour, 10 * hour, 14 * hour, 20 * hour, 24 * hour];
/** An endpoint whose every attempt has failed for this long is disabled. */
export const failingLimitMs = 5 * 24 * hour;
/** A receiver gets this long for the whole exchange: resolving its name, connecting, and answering in full. */
export const deliveryTimeoutMs = 15 * second;
/**
 * How long a process holds a delivery it is sending before another may take it over (it crashed, say): well past
 * the send's deadline, so a live process always records its attempt before anyone else may send it.
 */
const leaseMs = deliveryTimeoutMs + minute;

/** What Roster acts as when the deliverer disables an endpoint. */
export const deliveryPrincipal: Principal = { kind: 'system', door: 'webhook', name: 'webhooks' };

export interface DeliveryOptions {
  /** Decrypts the endpoint's signing secrets. */
  secrets: SecretBox;
  now?: () => Date;
  send?: Send;
  network?: NetworkPolicy;
  /** The send's one deadline; shorter than the lease (tests shorten it). */
  deadlineMs?: number;
  /** Stops the send at once (the deliverer stopping): the delivery is released, not counted as an attempt. */
  signal?: AbortSignal;
}

/** A delivery this process holds, with the lease that proves it. */
export type ClaimedDelivery = WebhookDeliveryRow & { leaseToken: string };

/**
 * Takes up to `limit` due deliveries of enabled endpoints (at most `perEndpoint` of each, none of `busyEndpoints`),
 * oldest due first, and leases them to this process. Two processes claiming at once both pick the same rows, but the
 * second's update waits for the first's row locks and then finds the lease taken (PostgreSQL re-checks the row), so
 * it claims none of them; and a process records an attempt only while it still holds the lease. So no two processes
 * send the same attempt.
 */
export async function claimDueDeliveries(
  db: Database,
  { now = () => new Date(), limit = 10, perEndpoint = 1, busyEndpoints = [] }: { now?: () => Date; limit?: number; perEndpoint?: number; busyEndpoints?: string[] } = {},
): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return [];
  const at = now();
  const leaseToken = uuidv7();
  const free = sql`(${webhookDeliveries.leaseExpiresAt} IS NULL OR ${webhookDeliveries.leaseExpiresAt} < ${at.toISOString()}::timestamptz)`;
  const busy = busyEndpoints.length > 0 ? sql`AND d.endpoint_id NOT IN (${sql.join(busyEndpoints.map((id) => sql`${id}::uuid`), sql`, `)})` : sql``;
  const rows = await db
    .update(webhookDeliveries)
    .set({ leaseToken, leaseExpiresAt: new Date(at.getTime() + leaseMs) })
    .where(
      and(
        free,
        eq(webhookDeliveries.status, 'pending'),
        sql`${webhookDeliveries.id} IN (
          SELECT id FROM (
            SELECT d.id, d.next_attempt_at, row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at, d.id) AS rank
            FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
            WHERE d.status = 'pending' AND e.enabled AND d.next_attempt_at <= ${at.toISOString()}::timestamptz
              AND (d.lease_expires_at IS NULL OR d.lease_expires_at < ${at.toISOString()}::timestamptz) ${busy}
          ) due
          WHERE rank <= ${perEndpoint}
          ORDER BY next_attempt_at
          LIMIT ${limit}
        )`,
      ),
    )
    .returning();
  return rows as ClaimedDelivery[];
}

/**
 * `lost-lease`: another process holds it now. `released`: not sent, lease given back, not counted as an attempt
 * (the endpoint was disabled meanwhile, its maker lost the right, or the send was interrupted by a stop).
 */
export type AttemptOutcome = 'succeeded' | 'retrying' | 'failed' | 'lost-lease' | 'released';

/**
 * Sends one claimed delivery, signed with the endpoint's secret (and, for 24 hours after a rotation, its previous
 * one), and records the attempt. Only 2xx is success. 410 Gone fails the delivery and disables the endpoint; any
 * other failure retries on the schedule (later if the receiver's Retry-After says so) until it runs out. An endpoint
 * whose every attempt has failed for 5 days is disabled. Disabling is recorded as an event, like any change. An
 * endpoint whose maker no longer holds webhooks:write (a key that expired, say) is disabled instead of sent to.
 */
export async function attemptDelivery(
  db: Database,
  delivery: ClaimedDelivery,
  { secrets, now = () => new Date(), send = sendWebhook, network = networkPolicyFromEnv(), deadlineMs = deliveryTimeoutMs, signal }: DeliveryOptions,
): Promise<AttemptOutcome> {
  // Still ours? (A process that stalled past its lease must not send what another has taken over.) The endpoint may
  // also have been deleted meanwhile, its deliveries with it, or disabled.
  const [found] = await db
    .select({ endpoint: webhookEndpoints, makerHoldsRight: makerHoldsRight(now()) })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.leaseToken, delivery.leaseToken), gt(webhookDeliveries.leaseExpiresAt, now())));
  if (!found) return 'lost-lease';
  const { endpoint } = found;
  if (!endpoint.enabled || !found.makerHoldsRight) return release(db, delivery, found.makerHoldsRight ? undefined : endpoint.id);
  const sentAt = now();
  const headers = signatureHeaders(delivery.eventId, sentAt, delivery.payload, await signingSecrets(endpoint, sentAt, secrets));
  const result = await send({ url: endpoint.url, headers, body: delivery.payload, deadlineMs, network, signal });
  if (result.interrupted) return release(db, delivery);
  const answeredAt = now();

  const attempts = delivery.attempts + 1;
  const succeeded = result.status !== null && result.status >= 200 && result.status < 300;
  const gone = result.status === 410;
  const exhausted = attempts >= retrySchedule.length;
  const outcome: AttemptOutcome = succeeded ? 'succeeded' : gone || exhausted ? 'failed' : 'retrying';
  const wait = Math.max(retrySchedule[Math.min(attempts, retrySchedule.length - 1)]!, Math.min(result.retryAfterMs ?? 0, 24 * hour));

  return db.transaction(async (tx) => {
    const [recorded] = await tx
      .update(webhookDeliveries)
      .set({
        status: outcome === 'retrying' ? 'pending' : outcome,
        attempts,
        nextAttemptAt: new Date(answeredAt.getTime() + wait),
        leaseToken: null,
        leaseExpiresAt: null,
        lastAttemptAt: sentAt,
        lastStatusCode: result.status,
        lastLatencyMs: result.latencyMs,
        lastResponse: result.response,
      })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.leaseToken, delivery.leaseToken)))
      .returning({ id: webhookDeliveries.id });
    if (!recorded) return 'lost-lease';

    const [current] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id)).for('update');
    if (!current) return outcome;
    if (succeeded) {
      if (current.failingSince) await tx.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, current.id));
      return outcome;
    }
    const failingSince = current.failingSince ?? sentAt;
    if (current.enabled && (gone || answeredAt.getTime() - failingSince.getTime() >= failingLimitMs)) {
      await applyEndpointChanges(tx, deliveryPrincipal, current, { enabled: false, disabledReason: gone ? 'gone' : 'failing', failingSince }, 'webhook-endpoint.disabled');
    } else if (!current.failingSince) {
      await tx.update(webhookEndpoints).set({ failingSince }).where(eq(webhookEndpoints.id, current.id));
    }
    return outcome;
  });
}

/**
 * Gives a delivery back unsent and uncounted, still due: to whichever process claims it next, or to the endpoint's
 * re-enabling. With `disableEndpoint`, first disables that endpoint (its maker lost the right), in the same transaction.
 */
async function release(db: Database, delivery: ClaimedDelivery, disableEndpoint?: string): Promise<AttemptOutcome> {
  return db.transaction(async (tx) => {
    const [released] = await tx
      .update(webhookDeliveries)
      .set({ leaseToken: null, leaseExpiresAt: null })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.leaseToken, delivery.leaseToken)))
      .returning({ id: webhookDeliveries.id });
    if (!released) return 'lost-lease';
    const [endpoint] = disableEndpoint ? await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, disableEndpoint)).for('update') : [];
    if (endpoint?.enabled) await applyEndpointChanges(tx, deliveryPrincipal, endpoint, { enabled: false, disabledReason: creatorLostAccess }, 'webhook-endpoint.disabled');
    return 'released';
  });
}

/** The current secret, and the previous one while its overlap after a rotation lasts. */
async function signingSecrets(endpoint: WebhookEndpointRow, at: Date, box: SecretBox): Promise<string[]> {
  const secrets = [await box.decrypt(endpoint.secretEncrypted)];
  if (endpoint.previousSecretEncrypted && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at) {
    secrets.push(await box.decrypt(endpoint.previousSecretEncrypted));
  }
  return secrets;
}
