import { webhookSecretBox } from '@/auth/webhook-secret-box';
import { attemptDelivery, claimDueDeliveries, dispatchEvents, type AttemptOutcome, type DeliveryOptions, type NetworkPolicy } from '@/core/integrations';
import type { Database } from '@/db/client';

/** Receivers in tests listen on loopback: a policy that lets webhooks reach them, whatever the host is called. */
export const loopback: NetworkPolicy = { allowPrivateNetworks: true, resolve: async () => ['127.0.0.1'] };

/** The box the doors use (from the auth secret), so what a route or a test encrypted, deliveries decrypt. */
export const secrets = webhookSecretBox();

/** What every Roster process does in the background: dispatch the log, then send what is due, until nothing is. */
export async function deliverDue(db: Database, options: Partial<DeliveryOptions> = {}): Promise<AttemptOutcome[]> {
  while ((await dispatchEvents(db)).events > 0);
  const outcomes: AttemptOutcome[] = [];
  for (;;) {
    const claimed = await claimDueDeliveries(db, { limit: 100, perEndpoint: 100 });
    if (claimed.length === 0) return outcomes;
    for (const delivery of claimed) outcomes.push(await attemptDelivery(db, delivery, { network: loopback, secrets, ...options }));
  }
}
