import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Conflict } from '@/core/errors';
import { attemptDelivery, claimDueDeliveries, createWebhookEndpoint, dispatchEvents, retryDelivery, sendWebhook } from '@/core/integrations';
import type { CoreContext } from '@/core/principal';
import { createUser } from '@/core/users';
import { closeDatabase } from '@/db';
import { webhookDeliveries } from '@/db/schema';
import { closeEventFeed } from '@/server/event-feed';
import { startWebhookDeliverer } from '@/server/webhook-deliverer';
import { describeEachDatabase } from '../support/database';
import { principalFor } from '../support/principals';
import { deliverDue, loopback, secrets } from '../support/webhook-delivery';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

// One outgoing webhook send, against a real receiver that misbehaves: it has one deadline for all of it, a resend
// can't take it over while it runs, and a stopping server cuts it off at once and gives the delivery back.
// Deadlines are set short (or, where the test must not depend on them, out of reach) through options; nothing here
// measures elapsed time: a send that did not end as it should would hang until the test's own timeout.

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  // The deliverer follows the process's event log (its own database, opened for that): close them.
  await closeEventFeed();
  await closeDatabase();
});
beforeEach(() => {
  receiver.dropStalled();
  receiver.reset();
});

/** Polls `condition` until it holds: a hang guard of its own, not a timing verdict. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 20) {
    if (waited > 60_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
/** Far beyond any test's timeout: an attempt that ends did not end by its deadline. */
const never = 60 * 60_000;

describe('the send', () => {
  it('counts resolving the name in its one deadline: a resolver that never answers ends the send too', async () => {
    const hanging = { allowPrivateNetworks: true, resolve: () => new Promise<string[]>(() => {}) };
    const result = await sendWebhook({ url: 'http://stuck.example/hooks', headers: {}, body: '{}', deadlineMs: 200, network: hanging });
    expect(result).toMatchObject({ status: null, response: 'no complete answer within 0.2 s' });
  });

  it('ends at once, as interrupted, when its signal aborts', async () => {
    receiver.answer({ status: 200, stall: 'headers' });
    const stop = new AbortController();
    const sending = sendWebhook({ url: receiver.url, headers: {}, body: '{}', deadlineMs: never, network: loopback, signal: stop.signal });
    await until(() => receiver.received.length === 1, 'the request to arrive');
    stop.abort();
    expect(await sending).toMatchObject({ status: null, interrupted: true, response: expect.stringMatching(/^interrupted/) });
  });
});

describeEachDatabase('outgoing webhook sends', (db) => {
  let admin: CoreContext;
  const subscribe = () => createWebhookEndpoint(admin, { url: receiver.url, events: ['user.created'] }, { network: loopback, secrets });
  const deliveries = () => db().select().from(webhookDeliveries);

  beforeEach(async () => {
    admin = { db: db(), principal: await principalFor(db(), 'admin') };
  });

  it.each([
    ['never answers', 'headers'],
    ['answers 200 and then trickles its body', 'body'],
  ] as const)('a receiver that accepts and %s is given one deadline: the attempt fails, is recorded and will be retried', async (_what, stall) => {
    await subscribe();
    receiver.answer({ status: 200, stall });
    await createUser(admin, { email: 'stalled@example.com', name: 'Stalled' });

    expect(await deliverDue(db(), { deadlineMs: 300 })).toEqual(['retrying']);

    expect(receiver.received).toHaveLength(1);
    expect(await deliveries()).toMatchObject([{ status: 'pending', attempts: 1, lastStatusCode: null, lastResponse: 'no complete answer within 0.3 s', leaseToken: null }]);
  });

  it('a resend while the delivery is being sent is a Conflict: one send, and its attempt is recorded', async () => {
    const { endpoint } = await subscribe();
    receiver.answer({ status: 200, stall: 'headers' });
    await createUser(admin, { email: 'busy@example.com', name: 'Busy' });
    while ((await dispatchEvents(db())).events > 0);
    const [claimed] = await claimDueDeliveries(db());
    const sending = attemptDelivery(db(), claimed!, { network: loopback, secrets, deadlineMs: never });
    await until(() => receiver.received.length === 1, 'the send to reach the receiver');

    await expect(retryDelivery(admin, endpoint.id, claimed!.id)).rejects.toBeInstanceOf(Conflict);

    receiver.dropStalled(); // the receiver hangs up: the send ends, as a failed attempt
    expect(await sending).toBe('retrying');
    expect(receiver.received).toHaveLength(1);
    expect(await deliveries()).toMatchObject([{ attempts: 1, lastStatusCode: null, leaseToken: null }]);
    // Once recorded, it may be resent: once more, and only once.
    await retryDelivery(admin, endpoint.id, claimed!.id);
    expect(await deliverDue(db())).toEqual(['succeeded']);
    expect(receiver.received).toHaveLength(2);
    expect(await deliveries()).toMatchObject([{ status: 'succeeded', attempts: 2 }]);
  });

  it('stopping the deliverer cuts a send in flight off at once: the delivery goes back, due and uncounted, and the next process sends it', async () => {
    await subscribe();
    receiver.answer({ status: 200, stall: 'headers' });
    await createUser(admin, { email: 'interrupted@example.com', name: 'Interrupted' });
    const stop = startWebhookDeliverer({ db: db(), intervalMs: 20, delivery: { network: loopback, secrets, deadlineMs: never } });
    await until(() => receiver.received.length === 1, 'the deliverer to send');

    await stop(); // resolves only once the send in flight has ended: without the interruption, never

    expect(await deliveries()).toMatchObject([{ status: 'pending', attempts: 0, lastAttemptAt: null, leaseToken: null }]);
    const [waiting] = await deliveries();
    expect(waiting!.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await deliverDue(db())).toEqual(['succeeded']);
    expect(receiver.received).toHaveLength(2);
    expect(await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.status, 'succeeded'))).toMatchObject([{ attempts: 1 }]);
  });
});
