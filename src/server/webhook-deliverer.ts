import { webhookSecretBox } from '@/auth/webhook-secret-box';
import { attemptDelivery, claimDueDeliveries, dispatchBatchSize, dispatchEvents, type DeliveryOptions } from '@/core/integrations';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { logger } from '@/lib/logger';
import { getEventFeed } from './event-feed';
import type { StopJob } from './periodic';

export interface DelivererOptions {
  /** How often to look for retries that have come due (new events wake it at once). */
  intervalMs?: number;
  /** Deliveries in flight from this process, in all and per endpoint: one slow receiver can't hold up the others. */
  concurrency?: number;
  perEndpoint?: number;
  /** How each delivery is attempted (the signing-secret box, the send's deadline); the process's own by default. */
  delivery?: Omit<DeliveryOptions, 'signal'>;
  /** The database it works on: the process's by default. */
  db?: Database;
}

/**
 * Outgoing webhooks in the background: each new event in the log is turned into deliveries (dispatchEvents), and due
 * deliveries are sent, several at once but only a few per endpoint. Runs on every instance: the dispatch cursor and
 * the delivery leases keep them from doing anything twice. Returns the function that stops it: it interrupts the
 * sends in flight at once (each delivery is given back, due, uncounted, for the next process to send) and resolves
 * once the dispatch pass has committed and those deliveries are released (if the process exits first, a delivery's
 * lease runs out and whichever process takes it next sends it).
 *
 * Every commit wakes it, so a pass must cost little when there is nothing to send: it dispatches until a batch comes
 * back short (the log's later commits wake it again), and it looks for due deliveries only when one can have come due,
 * that is when this pass made some, on the timer (retries, other instances' deliveries) and when a send ends.
 */
export function startWebhookDeliverer({ intervalMs = 1_000, concurrency = 10, perEndpoint = 2, delivery: deliveryOptions, db: database }: DelivererOptions = {}): StopJob {
  const options: DeliveryOptions = { secrets: webhookSecretBox(), ...deliveryOptions };
  const stopping = new AbortController();
  const inFlight = new Map<string, number>();
  const attempts = new Set<Promise<unknown>>();
  let sending = 0;
  let stopped = false;
  let ticking: Promise<void> | undefined;
  let tickAgain = false;
  let claimWanted = true;

  const tick = ({ claim }: { claim: boolean }): void => {
    if (stopped) return;
    claimWanted ||= claim;
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = pass().finally(() => {
      ticking = undefined;
      if (tickAgain) {
        tickAgain = false;
        tick({ claim: false });
      }
    });
  };
  const onEvent = () => tick({ claim: false });
  const lookForDue = () => tick({ claim: true });

  const dispatchAll = async (db: Database): Promise<number> => {
    let deliveries = 0;
    for (;;) {
      const batch = await dispatchEvents(db);
      deliveries += batch.deliveries;
      if (batch.events < dispatchBatchSize || stopped) return deliveries;
    }
  };

  const pass = async (): Promise<void> => {
    try {
      const db = database ?? (await getDatabase()).db;
      const made = await dispatchAll(db);
      if (stopped || (made === 0 && !claimWanted)) return;
      claimWanted = false;
      const busyEndpoints = [...inFlight].filter(([, count]) => count >= perEndpoint).map(([id]) => id);
      const claimed = await claimDueDeliveries(db, { limit: concurrency - sending, perEndpoint: 1, busyEndpoints });
      for (const delivery of claimed) {
        sending += 1;
        inFlight.set(delivery.endpointId, (inFlight.get(delivery.endpointId) ?? 0) + 1);
        const attempt = attemptDelivery(db, delivery, { ...options, signal: stopping.signal })
          .catch((error: unknown) => logger.error({ err: error, deliveryId: delivery.id }, 'webhook delivery could not be recorded; it will be retried'))
          .finally(() => {
            attempts.delete(attempt);
            sending -= 1;
            const left = inFlight.get(delivery.endpointId)! - 1;
            if (left > 0) inFlight.set(delivery.endpointId, left);
            else inFlight.delete(delivery.endpointId);
            lookForDue();
          });
        attempts.add(attempt);
      }
    } catch (error) {
      claimWanted = true;
      logger.error({ err: error }, 'webhook dispatch failed; will retry');
    }
  };

  let leaveFeed = () => {};
  getEventFeed().then(
    (feed) => {
      if (!stopped) leaveFeed = feed.add({ deliver: onEvent, close: () => {} });
    },
    (error: unknown) => logger.error({ err: error }, 'webhook deliverer could not follow the event log; polling only'),
  );
  lookForDue();
  const timer = setInterval(lookForDue, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    stopping.abort();
    clearInterval(timer);
    leaveFeed();
    await ticking;
    await Promise.all(attempts);
  };
}
