import { attemptDelivery, claimDueDeliveries, dispatchEvents } from '@/core/integrations';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { getEventFeed } from './event-feed';
import type { StopJob } from './periodic';

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
 * the delivery leases keep them from doing anything twice. Returns the function that stops it: it resolves once the
 * dispatch pass and the deliveries in flight have been recorded (if the process exits first, a delivery's lease runs
 * out and whichever process takes it next retries it).
 */
export function startWebhookDeliverer({ intervalMs = 1_000, concurrency = 10, perEndpoint = 2 }: DelivererOptions = {}): StopJob {
  const inFlight = new Map<string, number>();
  const attempts = new Set<Promise<unknown>>();
  let sending = 0;
  let stopped = false;
  let ticking: Promise<void> | undefined;
  let tickAgain = false;

  const tick = (): void => {
    if (stopped) return;
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = pass().finally(() => {
      ticking = undefined;
      if (tickAgain) {
        tickAgain = false;
        tick();
      }
    });
  };

  const pass = async (): Promise<void> => {
    try {
      const { db } = await getDatabase();
      while ((await dispatchEvents(db)) > 0 && !stopped);
      const busyEndpoints = [...inFlight].filter(([, count]) => count >= perEndpoint).map(([id]) => id);
      const claimed = stopped ? [] : await claimDueDeliveries(db, { limit: concurrency - sending, perEndpoint: 1, busyEndpoints });
      for (const delivery of claimed) {
        sending += 1;
        inFlight.set(delivery.endpointId, (inFlight.get(delivery.endpointId) ?? 0) + 1);
        const attempt = attemptDelivery(db, delivery)
          .catch((error: unknown) => logger.error({ err: error, deliveryId: delivery.id }, 'webhook delivery could not be recorded; it will be retried'))
          .finally(() => {
            attempts.delete(attempt);
            sending -= 1;
            const left = inFlight.get(delivery.endpointId)! - 1;
            if (left > 0) inFlight.set(delivery.endpointId, left);
            else inFlight.delete(delivery.endpointId);
            tick();
          });
        attempts.add(attempt);
      }
    } catch (error) {
      logger.error({ err: error }, 'webhook dispatch failed; will retry');
    }
  };

  let leaveFeed = () => {};
  getEventFeed().then(
    (feed) => {
      if (!stopped) leaveFeed = feed.add({ deliver: tick, close: () => {} });
    },
    (error: unknown) => logger.error({ err: error }, 'webhook deliverer could not follow the event log; polling only'),
  );
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    leaveFeed();
    await ticking;
    await Promise.all(attempts);
  };
}
