import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { createApiKey, revokeApiKey } from '@/core/api-keys';
import { readEventsAfter, recordEvent, type EventDto } from '@/core/events';
import {
  attemptDelivery,
  claimDueDeliveries,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  dispatchEvents,
  listDeliveries,
  retryDelivery,
  retrySchedule,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhookEndpoint,
  type NetworkPolicy,
} from '@/core/integrations';
import { createUser, deleteUser, updateUser } from '@/core/users';
import { openDatabase } from '@/db/client';
import { auditEvents, webhookDeliveries, webhookEndpoints } from '@/db/schema';
import { describeEachDatabase, describeOnDatabase, testDatabaseUrl } from '../support/database';
import { principalFor, systemPrincipal, type UserPrincipal } from '../support/principals';
import { deliverDue, loopback, secrets } from '../support/webhook-delivery';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

// Outgoing webhooks, core to wire: a real receiver on loopback verifies every delivery with the Standard Webhooks
// reference library. Time is a fake clock (Date only), moved forward by the tests, so retry schedules are checked
// exactly and nothing waits for them; the receiver's signature check reads the same clock.

let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date());
  receiver.reset();
});
afterEach(() => vi.useRealTimers());

const advance = (ms: number) => vi.setSystemTime(new Date(Date.now() + ms));
const headerOf = (index: number, name: string) => receiver.received[index]!.headers[name];

describeEachDatabase('outgoing webhooks', (db) => {
  let admin: UserPrincipal;
  const ctx = () => ({ db: db(), principal: admin });
  const subscribe = async (events: string[] = ['*']) => createWebhookEndpoint(ctx(), { url: receiver.url, events }, { network: loopback, secrets });

  beforeEach(async () => {
    admin = await principalFor(db(), 'admin');
  });

  it('delivers every event type, each signed as Standard Webhooks verifies, the body being the event itself', async () => {
    const { secret, endpoint } = await subscribe();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const user = await createUser(ctx(), { email: 'ada@example.com', name: 'Ada' });
    await updateUser(ctx(), user.id, { name: 'Ada L.' });
    const key = await createApiKey(ctx(), { name: 'crm', scopes: ['users:read'] });
    await revokeApiKey(ctx(), key.apiKey.id);
    await deleteUser(ctx(), user.id);
    await recordEvent(db(), systemPrincipal('webhook', 'stripe'), { type: 'subscription.updated', subject: { type: 'user', id: admin.userId }, changes: { plan: { before: 'free', after: 'pro' } } });

    const outcomes = await deliverDue(db());
    const logged = (await readEventsAfter(db(), 0, { access: { all: true } })).filter((event) => Number(event.position) > 0 && event.type !== 'webhook-endpoint.created');
    expect(outcomes).toEqual(logged.map(() => 'succeeded'));
    expect(logged.map((event) => event.type)).toEqual(['user.created', 'user.updated', 'api-key.created', 'api-key.revoked', 'user.deleted', 'subscription.updated']);
    const verified = receiver.received.map((webhook) => receiver.verify(webhook, secret) as EventDto);
    expect(verified).toEqual(logged);
    receiver.received.forEach((webhook, i) => {
      expect(webhook.headers['webhook-id']).toBe(logged[i]!.id);
      expect(webhook.headers['content-type']).toBe('application/json');
    });
    // Nothing about the endpoint itself leaks into what it is sent or how it is listed.
    expect(JSON.stringify(receiver.received)).not.toContain(secret.slice(6));
    const [stored] = await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(stored!.secretEncrypted).not.toContain(secret.slice(6));
  });

  it('sends only the subscribed types, and only events from after the endpoint was made', async () => {
    await createUser(ctx(), { email: 'before@example.com', name: 'Before' });
    await subscribe(['user.created']);
    const user = await createUser(ctx(), { email: 'after@example.com', name: 'After' });
    await updateUser(ctx(), user.id, { name: 'Renamed' });
    await deliverDue(db());
    expect(receiver.received.map((webhook) => JSON.parse(webhook.body).data.user.email)).toEqual(['after@example.com']);
  });

  it('retries a failing receiver on the schedule with the same webhook-id: two failures, then one success', async () => {
    await subscribe();
    receiver.answer({ status: 500 }, { status: 502, body: 'bad gateway' });
    await createUser(ctx(), { email: 'retry@example.com', name: 'Retry' });
    expect(await deliverDue(db())).toEqual(['retrying']);
    advance(retrySchedule[1]! - 1);
    expect(await deliverDue(db())).toEqual([]); // not due yet
    advance(1);
    expect(await deliverDue(db())).toEqual(['retrying']);
    advance(retrySchedule[2]!);
    expect(await deliverDue(db())).toEqual(['succeeded']);
    advance(retrySchedule.at(-1)!);
    expect(await deliverDue(db())).toEqual([]);

    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((webhook) => webhook.headers['webhook-id'])).size).toBe(1);
    const [delivery] = await db().select().from(webhookDeliveries);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });
    // Each attempt is signed at its own time.
    expect(new Set(receiver.received.map((webhook) => webhook.headers['webhook-timestamp'])).size).toBe(3);
  });

  it('honours Retry-After, and gives up after the last attempt of the schedule', async () => {
    await subscribe();
    receiver.answer({ status: 503, headers: { 'retry-after': '120' } });
    await createUser(ctx(), { email: 'later@example.com', name: 'Later' });
    await deliverDue(db());
    advance(119_000);
    expect(await deliverDue(db())).toEqual([]);
    receiver.answer(...Array.from({ length: 20 }, () => ({ status: 500 })));
    advance(1_000);
    expect(await deliverDue(db())).toEqual(['retrying']);
    const outcomes: string[] = [];
    for (const wait of retrySchedule.slice(2)) {
      advance(wait);
      outcomes.push(...(await deliverDue(db())));
    }
    expect(outcomes).toEqual([...Array(retrySchedule.length - 3).fill('retrying'), 'failed']);
    const [delivery] = await db().select().from(webhookDeliveries);
    expect(delivery).toMatchObject({ status: 'failed', attempts: retrySchedule.length, lastStatusCode: 500 });
    advance(retrySchedule.at(-1)!);
    expect(await deliverDue(db())).toEqual([]);
  });

  it('a 410 Gone fails the delivery and disables the endpoint, recorded as an event', async () => {
    const { endpoint } = await subscribe();
    receiver.answer({ status: 410 });
    await createUser(ctx(), { email: 'gone@example.com', name: 'Gone' });
    expect(await deliverDue(db())).toEqual(['failed']);
    const [stored] = await db().select().from(webhookEndpoints);
    expect(stored).toMatchObject({ enabled: false, disabledReason: 'gone' });
    const [disabled] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'webhook-endpoint.disabled'));
    expect(disabled).toMatchObject({ actor: 'system:webhooks', subjectId: endpoint.id, changes: { enabled: { before: true, after: false } } });
    await createUser(ctx(), { email: 'unheard@example.com', name: 'Unheard' });
    expect(await deliverDue(db())).toEqual([]);
    expect(receiver.received).toHaveLength(1);
  });

  it('disables an endpoint whose every attempt has failed for 5 days, and re-enabling starts afresh', async () => {
    const { endpoint } = await subscribe();
    receiver.answer(...Array.from({ length: 40 }, () => ({ status: 500 })));
    for (let i = 0; i < 4; i++) await createUser(ctx(), { email: `fail${i}@example.com`, name: 'Fail' });
    await deliverDue(db());
    // Attempts keep failing, day after day; each delivery has a fresh schedule, the endpoint's streak runs on.
    for (let day = 1; day <= 5; day++) {
      advance(24 * 3_600_000);
      await createUser(ctx(), { email: `day${day}@example.com`, name: 'Day' });
      await deliverDue(db());
    }
    const [stored] = await db().select().from(webhookEndpoints);
    expect(stored).toMatchObject({ enabled: false, disabledReason: 'failing' });
    const enabled = await updateWebhookEndpoint(ctx(), endpoint.id, { enabled: true }, { network: loopback });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it('after a rotation signs with the new and the old secret for 24 hours, then with the new one only', async () => {
    const { endpoint, secret: old } = await subscribe();
    const { secret: fresh } = await rotateWebhookSecret(ctx(), endpoint.id, { secrets });
    expect(fresh).not.toBe(old);
    await createUser(ctx(), { email: 'rotated@example.com', name: 'Rotated' });
    await deliverDue(db());
    expect(headerOf(0, 'webhook-signature')!.split(' ')).toHaveLength(2);
    expect(receiver.verify(receiver.received[0]!, fresh)).toBeTruthy();
    expect(receiver.verify(receiver.received[0]!, old)).toBeTruthy();

    advance(24 * 3_600_000 + 1);
    await createUser(ctx(), { email: 'later@example.com', name: 'Later' });
    await deliverDue(db());
    expect(headerOf(1, 'webhook-signature')!.split(' ')).toHaveLength(1);
    expect(receiver.verify(receiver.received[1]!, fresh)).toBeTruthy();
    expect(() => receiver.verify(receiver.received[1]!, old)).toThrow();
  });

  it('loses nothing to a process that dies between a commit and the send', async () => {
    await subscribe();
    // Died before dispatching: the events are in the log, and the next process dispatches them.
    await createUser(ctx(), { email: 'first@example.com', name: 'First' });
    // Died after claiming, mid-send: its lease runs out and another process sends it.
    await createUser(ctx(), { email: 'second@example.com', name: 'Second' });
    while ((await dispatchEvents(db())).events > 0);
    const abandoned = await claimDueDeliveries(db(), { limit: 1 });
    expect(abandoned).toHaveLength(1);
    expect(await deliverDue(db())).toEqual(['succeeded']); // the other one; the abandoned one is still leased
    advance(5 * 60_000);
    expect(await deliverDue(db())).toEqual(['succeeded']);
    // Were the process that abandoned it to come back, it no longer holds the delivery: it neither sends nor records.
    expect(await attemptDelivery(db(), abandoned[0]!, { network: loopback, secrets })).toBe('lost-lease');
    expect(receiver.received.map((webhook) => JSON.parse(webhook.body).data.user.email).sort()).toEqual(['first@example.com', 'second@example.com']);
  });

  it('sends a test event, lists deliveries in keyset pages, and resends one on request', async () => {
    const { endpoint, secret } = await subscribe();
    const test = await sendTestEvent(ctx(), endpoint.id);
    expect(test).toMatchObject({ eventType: 'webhook.test', status: 'pending', attempts: 0 });
    for (let i = 0; i < 3; i++) await createUser(ctx(), { email: `page${i}@example.com`, name: 'Page' });
    await deliverDue(db());
    expect((receiver.verify(receiver.received[0]!, secret) as EventDto).type).toBe('webhook.test');

    const first = await listDeliveries(ctx(), endpoint.id, { limit: '2' });
    const second = await listDeliveries(ctx(), endpoint.id, { limit: '2', cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((delivery) => delivery.eventType)).toEqual(['user.created', 'user.created', 'user.created', 'webhook.test']);
    expect(second.nextCursor).toBeNull();
    expect(first.items[0]).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200, nextAttemptAt: null });

    const resent = await retryDelivery(ctx(), endpoint.id, test.id);
    expect(resent.status).toBe('pending');
    await deliverDue(db());
    expect(receiver.received.filter((webhook) => webhook.headers['webhook-id'] === test.eventId)).toHaveLength(2);
    await expect(retryDelivery(ctx(), endpoint.id, '01900000-0000-7000-8000-000000000000')).rejects.toThrow(/not found/);
  });

  it('refuses URLs that could reach private networks, when created and when connecting', async () => {
    const strict: NetworkPolicy = { allowPrivateNetworks: false, resolve: async (host) => (host === 'rebinding.example' ? ['93.184.216.34'] : ['10.0.0.7']) };
    const refused = [
      'http://hooks.example.com/roster',
      'https://127.0.0.1/hooks',
      'https://10.0.0.1/hooks',
      'https://172.16.0.1/hooks',
      'https://192.168.1.1/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/hooks',
      'https://224.0.0.1/hooks',
      'https://0.0.0.0/hooks',
      'https://[::1]/hooks',
      'https://[fe80::1]/hooks',
      'https://[fc00::1]/hooks',
      'https://[::ffff:127.0.0.1]/hooks',
      'https://internal.example/hooks', // resolves to 10.0.0.7
    ];
    for (const url of refused) {
      await expect(createWebhookEndpoint(ctx(), { url, events: ['*'] }, { network: strict, secrets }), url).rejects.toMatchObject({ issues: [{ path: ['url'] }] });
    }
    // localhost, through the real resolver.
    await expect(createWebhookEndpoint(ctx(), { url: 'https://localhost/hooks', events: ['*'] }, { network: { allowPrivateNetworks: false, resolve: loopback.resolve }, secrets })).rejects.toMatchObject({
      issues: [{ path: ['url'] }],
    });
    expect(await db().select().from(webhookEndpoints)).toEqual([]);

    // Public when it was made, private when it is called: the address is checked again for every connection.
    const { endpoint } = await createWebhookEndpoint(ctx(), { url: 'https://rebinding.example/hooks', events: ['*'] }, { network: strict, secrets });
    expect(endpoint.url).toBe('https://rebinding.example/hooks');
    const rebound: NetworkPolicy = { allowPrivateNetworks: false, resolve: async () => ['127.0.0.1'] };
    await createUser(ctx(), { email: 'rebinding@example.com', name: 'Rebinding' });
    expect(await deliverDue(db(), { network: rebound })).toEqual(['retrying']);
    const [delivery] = await db().select().from(webhookDeliveries);
    expect(delivery).toMatchObject({ lastStatusCode: null, lastResponse: expect.stringMatching(/refused.*private/) });
    expect(receiver.received).toEqual([]);
  });

  it('shares the senders out: a few deliveries per endpoint at a time, none for an endpoint already busy', async () => {
    const { endpoint: slow } = await subscribe();
    const { endpoint: fast } = await createWebhookEndpoint(ctx(), { url: `${receiver.url}/fast`, events: ['*'] }, { network: loopback, secrets });
    for (let i = 0; i < 3; i++) await createUser(ctx(), { email: `share${i}@example.com`, name: 'Share' });
    while ((await dispatchEvents(db())).events > 0);
    const oneEach = await claimDueDeliveries(db(), { limit: 10, perEndpoint: 1 });
    expect(oneEach.map((delivery) => delivery.endpointId).sort()).toEqual([slow.id, fast.id].sort());
    const notTheSlowOne = await claimDueDeliveries(db(), { limit: 10, perEndpoint: 5, busyEndpoints: [slow.id] });
    expect(notTheSlowOne.map((delivery) => delivery.endpointId)).toEqual([fast.id, fast.id]);
    expect(await claimDueDeliveries(db(), { limit: 10, perEndpoint: 5 })).toHaveLength(2); // the slow one's other two
  });

  it('needs webhooks:write: viewers, members and read keys are refused, and nothing is written', async () => {
    const { endpoint } = await subscribe();
    for (const role of ['viewer', 'member'] as const) {
      const principal = await principalFor(db(), role);
      await expect(createWebhookEndpoint({ db: db(), principal }, { url: receiver.url, events: ['*'] }, { network: loopback, secrets })).rejects.toThrow(/webhooks:write/);
      await expect(deleteWebhookEndpoint({ db: db(), principal }, endpoint.id)).rejects.toThrow(/webhooks:write/);
    }
    expect(await db().select({ id: webhookEndpoints.id }).from(webhookEndpoints)).toEqual([{ id: endpoint.id }]);
  });
});

// Two processes sending at once need two connections: PGlite has one.
describeOnDatabase('postgres', 'outgoing webhooks across processes', (db) => {
  it('never lets two processes claim the same delivery', async () => {
    const admin = await principalFor(db(), 'admin');
    await createWebhookEndpoint({ db: db(), principal: admin }, { url: receiver.url, events: ['*'] }, { network: loopback, secrets });
    for (let i = 0; i < 30; i++) await createUser({ db: db(), principal: admin }, { email: `race${i}@example.com`, name: 'Race' });
    while ((await dispatchEvents(db())).events > 0);
    // A second process: its own connection pool on the same database.
    const url = (await db().execute(sql`SELECT current_database() AS name`)) as unknown as { rows: { name: string }[] };
    const other = new URL(testDatabaseUrl!);
    other.pathname = `/${url.rows[0]!.name}`;
    const second = await openDatabase({ driver: 'postgres', url: other.toString() });
    try {
      // Rounds of six claimers at once, three per process, until all 30 are out: each must be claimed exactly once.
      const ids: string[] = [];
      for (let round = 0; round < 30 && ids.length < 30; round++) {
        const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => claimDueDeliveries(i % 2 ? second.db : db(), { limit: 4, perEndpoint: 4 })));
        ids.push(...claims.flat().map((delivery) => delivery.id));
      }
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
    } finally {
      await second.close();
    }
  });
});
