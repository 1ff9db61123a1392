import { attemptDelivery, claimDueDeliveries, dispatchEvents } from '@/core/integrations';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { getEventFeed } from './event-feed';

export interface DelivererOptions {
  /** How often to look for retries that have come due (new events wake it at once). */
  intervalMs?: number;
  /** Deliveries in flight from this process, in all and per endpoint: one slow receiver can't hold up the others. */
  concurrency?: number;
  perEndpoint?: number;
}

/**
 * Outgoing webhooks in the background: each new event in the log is turned into deliveries (dispatchEvents), and due
 * deliveries are sent, several at once but only a few per endpoint. Runs on every instance: the dispatch cursor and
 * the delivery leases keep them from doing anything twice. Returns the function that stops it (what is in flight
 * finishes or, if the process exits first, is retried by whichever process takes it next).
 */
export function startWebhookDeliverer({ intervalMs = 1_000, concurrency = 10, perEndpoint = 2 }: DelivererOptions = {}): () => void {
  const inFlight = new Map<string, number>();
  let sending = 0;
  let stopped = false;
  let ticking = false;
  let tickAgain = false;

  const tick = async (): Promise<void> => {
    if (stopped) return;
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = true;
    try {
      const { db } = await getDatabase();
      while ((await dispatchEvents(db)) > 0 && !stopped);
      const busyEndpoints = [...inFlight].filter(([, count]) => count >= perEndpoint).map(([id]) => id);
      const claimed = stopped ? [] : await claimDueDeliveries(db, { limit: concurrency - sending, perEndpoint: 1, busyEndpoints });
      for (const delivery of claimed) {
        sending += 1;
        inFlight.set(delivery.endpointId, (inFlight.get(delivery.endpointId) ?? 0) + 1);
        void attemptDelivery(db, delivery)
          .catch((error: unknown) => logger.error({ err: error, deliveryId: delivery.id }, 'webhook delivery could not be recorded; it will be retried'))
          .finally(() => {
            sending -= 1;
            const left = inFlight.get(delivery.endpointId)! - 1;
            if (left > 0) inFlight.set(delivery.endpointId, left);
            else inFlight.delete(delivery.endpointId);
            void tick();
          });
      }
    } catch (error) {
      logger.error({ err: error }, 'webhook dispatch failed; will retry');
    } finally {
      ticking = false;
      if (tickAgain) {
        tickAgain = false;
        void tick();
      }
    }
  };

  let leaveFeed = () => {};
  getEventFeed().then(
    (feed) => {
      if (!stopped) leaveFeed = feed.add({ deliver: () => void tick(), close: () => {} });
    },
    (error: unknown) => logger.error({ err: error }, 'webhook deliverer could not follow the event log; polling only'),
  );
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    leaveFeed();
  };
}
