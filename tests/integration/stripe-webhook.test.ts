import { asc, eq, sql } from 'drizzle-orm';
import { revalidateTag } from 'next/cache';
import { after } from 'next/server';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUser } from '@/core/users';
import { processDueWebhookEvents, SWEEPER_GRACE_MS } from '@/core/webhooks';
import { closeDatabase, getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents, stripeObjectVersions, users, webhookEvents } from '@/db/schema';
import * as route from '../../app/api/webhooks/stripe/route';
import { truncateAll } from '../support/database';
import { principalFor, type UserPrincipal } from '../support/principals';
import {
  checkoutSessionCompleted,
  invoicePaymentFailed,
  newCustomerId,
  newSubscriptionId,
  stripeEvent,
  subscriptionEvent,
  unixSeconds,
  type StripeEventPayload,
} from '../support/stripe';
import type { Problem } from '../support/problem';

// Stripe's door end to end: a signed request goes through the route handler the way Next calls it, and the
// effect is checked in the database. Payloads are signed offline with stripe-node's test helper; nothing
// talks to Stripe.

// after() throws outside a Next request. The mock queues the route's after-response work so each test
// decides whether it runs (normal processing) or is lost (a crash between storing and processing).
vi.mock('next/server', async (importOriginal) => ({ ...(await importOriginal<typeof import('next/server')>()), after: vi.fn() }));
// revalidateTag throws outside a Next request; the mock also shows which cache tags processing marks stale.
vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const afterMock = vi.mocked(after);
const revalidate = vi.mocked(revalidateTag);

const BASE = 'http://localhost:3000';
const PATH = '/api/webhooks/stripe';
const SECRET = 'whsec_test_4eC39HqLyjWDarjtT1zdp7dcRoster';
const PLANS = 'price_pro:pro,price_team:team';
const TOLERANCE_SECONDS = 300; // stripe-node's default, which the route relies on
const MAX_BODY_BYTES = 1024 * 1024;
const UNREACHABLE_POSTGRES = 'postgres://roster:roster@127.0.0.1:1/roster';

const T0 = unixSeconds() - 3600;
const T1 = T0 + 60;
const T2 = T0 + 120;


let db: Database;
/** A console admin who creates the Stripe customers each test starts from. */
let admin: UserPrincipal;
const saved = { secret: process.env.STRIPE_WEBHOOK_SECRET, plans: process.env.ROSTER_STRIPE_PLANS };

let queued: (() => unknown)[] = [];
/** Runs the work the route handed to after(), as Next does once the response is sent. */
async function runAfterResponse(): Promise<void> {
  const tasks = queued;
  queued = [];
  for (const task of tasks) await task();
}
/** Loses the after-response work, as a crash or deploy right after the 200 would. */
function dropAfterResponse(): void {
  queued = [];
}

/** Stripe sends pretty-printed JSON; the signature covers exactly these bytes. */
const serialise = (event: StripeEventPayload) => JSON.stringify(event, null, 2);

function sign(payload: string, { secret = SECRET, timestamp }: { secret?: string; timestamp?: number } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp === undefined ? {} : { timestamp }) });
}

function post(body: BodyInit, headers: Record<string, string>): Promise<Response> {
  const init: RequestInit & { duplex?: 'half' } = {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', ...headers },
    body,
  };
  if (body instanceof ReadableStream) init.duplex = 'half';
  return route.POST(new Request(new URL(PATH, BASE), init));
}

/** One delivery of `event`, signed now (each Stripe retry is signed afresh, over the same body). */
function deliver(event: StripeEventPayload, options: { secret?: string; timestamp?: number } = {}): Promise<Response> {
  const payload = serialise(event);
  return post(payload, { 'Stripe-Signature': sign(payload, options) });
}

async function expectAcknowledged(response: Response, duplicate = false): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(JSON.parse(text)).toEqual({ received: true, duplicate });
}

/** Delivers, checks the 200, and lets the after-response processing run. */
async function deliverAndProcess(event: StripeEventPayload): Promise<void> {
  await expectAcknowledged(await deliver(event));
  await runAfterResponse();
}

async function expectProblem(response: Response, status: number, slug: string): Promise<Problem> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.headers.get('cache-control')).toBe('no-store, no-transform');
  const problem = JSON.parse(text) as Problem;
  expect(problem).toMatchObject({ type: `urn:roster:problem:${slug}`, title: expect.any(String), status, instance: PATH });
  return problem;
}

const userRow = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0]!;
const eventRows = () => db.select().from(webhookEvents).orderBy(asc(webhookEvents.receivedAt), asc(webhookEvents.id));
const eventRow = async (id: string) => (await db.select().from(webhookEvents).where(eq(webhookEvents.id, id)))[0];
const billingAudit = async (userId: string) =>
  (await db.select().from(auditEvents).where(eq(auditEvents.subjectId, userId)).orderBy(asc(auditEvents.createdAt), asc(auditEvents.id))).filter(
    (event) => event.action !== 'user.created',
  );

let emailSeq = 0;
const newUser = (email = `stripe${++emailSeq}@example.com`) => createUser({ db, principal: admin }, { email, name: 'Stripe Customer' });

/** The revalidateTag calls for user tags (other views, e.g. the console's event list, may be revalidated too). */
const userTagCalls = () => revalidate.mock.calls.filter(([tag]) => tag === 'users' || tag.startsWith('user:'));

/** Exactly this user's views were marked stale, once. */
function expectRevalidated(userId: string): void {
  expect(userTagCalls()).toHaveLength(2);
  expect(userTagCalls()).toEqual(expect.arrayContaining([['users', 'max'], [`user:${userId}`, 'max']]));
}

/** A user whose Stripe customer is linked by a delivered and processed checkout. */
async function linkedUser() {
  const user = await newUser();
  const customer = newCustomerId();
  const subscription = newSubscriptionId();
  const checkout = checkoutSessionCompleted({ customer, clientReferenceId: user.id, subscription, created: T0 - 60 });
  await deliverAndProcess(checkout);
  expect((await userRow(user.id)).stripeCustomerId).toBe(customer);
  revalidate.mockClear();
  afterMock.mockClear();
  return { user, customer, subscription, checkoutEventId: checkout.id };
}

/** Nothing reached the database beyond the events already there, and nothing was scheduled. */
async function expectNothingStored(existingEventIds: string[] = []): Promise<void> {
  expect((await eventRows()).map((row) => row.id)).toEqual(existingEventIds);
  expect(await db.select().from(stripeObjectVersions)).toEqual([]);
  expect(afterMock).not.toHaveBeenCalled();
  expect(revalidate).not.toHaveBeenCalled();
}

/** A test-only trigger that makes the database refuse every insert into webhook_events. */
async function withRefusedInserts<T>(body: () => Promise<T>): Promise<T> {
  await db.execute(
    sql.raw(`CREATE FUNCTION test_refuse_webhook_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'test fault: disk full'; END $$`),
  );
  await db.execute(sql.raw('CREATE TRIGGER test_refuse_webhook_insert BEFORE INSERT ON webhook_events FOR EACH ROW EXECUTE FUNCTION test_refuse_webhook_insert()'));
  try {
    return await body();
  } finally {
    await db.execute(sql.raw('DROP TRIGGER IF EXISTS test_refuse_webhook_insert ON webhook_events'));
    await db.execute(sql.raw('DROP FUNCTION IF EXISTS test_refuse_webhook_insert()'));
  }
}

beforeAll(async () => {
  // These tests TRUNCATE: never let a DATABASE_URL exported in the shell point them at a real database.
  if (process.env.DATABASE_URL) throw new Error('Unset DATABASE_URL: these tests run on the in-memory database vitest.config.ts sets up.');
  process.env.STRIPE_WEBHOOK_SECRET = SECRET;
  process.env.ROSTER_STRIPE_PLANS = PLANS;
  ({ db } = await getDatabase());
});
afterAll(async () => {
  for (const [name, value] of [
    ['STRIPE_WEBHOOK_SECRET', saved.secret],
    ['ROSTER_STRIPE_PLANS', saved.plans],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await closeDatabase();
});
beforeEach(async () => {
  await truncateAll(db);
  admin = await principalFor(db, 'admin', 'console');
  queued = [];
  afterMock.mockReset();
  afterMock.mockImplementation((task) => {
    queued.push(typeof task === 'function' ? task : () => task);
  });
  revalidate.mockClear();
});
afterEach(() => {
  // Every test decides explicitly whether the after-response work ran or was lost.
  expect(queued).toEqual([]);
});

describe('POST /api/webhooks/stripe: a valid event', () => {
  it('is stored before the 200 and applied after it: checkout links the customer by client_reference_id', async () => {
    const user = await newUser();
    const customer = newCustomerId();
    const event = checkoutSessionCompleted({ customer, clientReferenceId: user.id, email: 'not-the-users-email@example.com' });

    await expectAcknowledged(await deliver(event));
    // Acknowledged means durable: the event is stored, the effect is still to come.
    expect(await eventRows()).toMatchObject([{ id: event.id, type: 'checkout.session.completed', status: 'pending', attempts: 0 }]);
    expect((await eventRow(event.id))!.payload).toEqual(event);
    expect(await userRow(user.id)).toMatchObject({ stripeCustomerId: null, version: 1 });
    expect(afterMock).toHaveBeenCalledTimes(1);
    expect(revalidate).not.toHaveBeenCalled();

    await runAfterResponse();
    expect(await userRow(user.id)).toMatchObject({ stripeCustomerId: customer, version: 2 });
    expect(await eventRow(event.id)).toMatchObject({ status: 'processed', attempts: 1, lastError: null });
    expect(await billingAudit(user.id)).toMatchObject([
      { actor: 'system:stripe', door: 'webhook', action: 'customer.linked', changes: { stripeCustomerId: { before: null, after: customer } } },
    ]);
    expectRevalidated(user.id);
  });

  it('checkout never links by the email typed at checkout: without client_reference_id the event is ignored', async () => {
    const user = await newUser('ada.lovelace@example.com');
    await deliverAndProcess(checkoutSessionCompleted({ customer: newCustomerId(), email: 'Ada.Lovelace@Example.COM' }));
    expect((await userRow(user.id)).stripeCustomerId).toBeNull();
  });

  it('subscription created -> updated -> invoice.payment_failed -> deleted: plan and status follow, from ROSTER_STRIPE_PLANS', async () => {
    const { user, customer, subscription } = await linkedUser();
    const steps: [StripeEventPayload, Record<string, unknown>][] = [
      [subscriptionEvent('customer.subscription.created', { subscription, customer, status: 'active', price: 'price_pro', created: T0 }), { plan: 'pro', subscriptionStatus: 'active', version: 3 }],
      [subscriptionEvent('customer.subscription.updated', { subscription, customer, status: 'active', price: 'price_team', created: T1 }), { plan: 'team', subscriptionStatus: 'active', version: 4 }],
      [invoicePaymentFailed({ subscription, customer, legacy: true, created: T1 + 30 }), { plan: 'team', subscriptionStatus: 'past_due', version: 5 }],
      [subscriptionEvent('customer.subscription.deleted', { subscription, customer, status: 'canceled', price: 'price_team', created: T2 }), { plan: 'free', subscriptionStatus: 'canceled', version: 6 }],
    ];
    for (const [event, expected] of steps) {
      revalidate.mockClear();
      await deliverAndProcess(event);
      expect(await userRow(user.id), event.type).toMatchObject(expected);
      expect(await eventRow(event.id)).toMatchObject({ status: 'processed', attempts: 1 });
      expectRevalidated(user.id);
    }
    const audit = await billingAudit(user.id);
    expect(audit.map((event) => event.action)).toEqual(['customer.linked', ...Array(4).fill('subscription.updated')]);
    expect(new Set(audit.map((event) => `${event.actor} ${event.door}`))).toEqual(new Set(['system:stripe webhook']));
  });

  it('invoice.payment_failed with the current shape (parent.subscription_details) marks past_due', async () => {
    const { user, customer, subscription } = await linkedUser();
    await deliverAndProcess(subscriptionEvent('customer.subscription.created', { subscription, customer, created: T0 }));
    await deliverAndProcess(invoicePaymentFailed({ subscription, customer, created: T1 }));
    expect(await userRow(user.id)).toMatchObject({ plan: 'pro', subscriptionStatus: 'past_due' });
  });

  it('an unhandled type is acknowledged (200) and stored as ignored', async () => {
    const event = stripeEvent('customer.created', { id: newCustomerId(), object: 'customer', email: 'new@example.com' });
    await deliverAndProcess(event);
    expect(await eventRow(event.id)).toMatchObject({ type: 'customer.created', status: 'ignored', attempts: 1 });
    expect(userTagCalls()).toEqual([]);
  });

  it('verifies the raw bytes however they are chunked, multi-byte characters split across chunks included', async () => {
    const user = await newUser();
    const customer = newCustomerId();
    const payload = serialise(checkoutSessionCompleted({ customer, clientReferenceId: user.id, email: 'zoë@example.com' }));
    const bytes = new TextEncoder().encode(payload);
    expect(bytes.length).toBeGreaterThan(payload.length); // really multi-byte
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    await expectAcknowledged(await post(stream, { 'Stripe-Signature': sign(payload) }));
    await runAfterResponse();
    expect((await userRow(user.id)).stripeCustomerId).toBe(customer);
  });

  it('accepts a signature a little inside the tolerance', async () => {
    await expectAcknowledged(await deliver(stripeEvent('customer.created', { id: newCustomerId() }), { timestamp: unixSeconds() - TOLERANCE_SECONDS + 10 }));
    dropAfterResponse();
    expect(await eventRows()).toHaveLength(1);
  });
});

describe('POST /api/webhooks/stripe: rejected deliveries store nothing', () => {
  const subscriptionCreated = (customer = newCustomerId()) =>
    subscriptionEvent('customer.subscription.created', { subscription: newSubscriptionId(), customer, price: 'price_pro', created: T1 });

  it.each([
    ['tampered body', (payload: string) => ({ body: payload.replace('"price_pro"', '"price_team"'), header: sign(payload) })],
    ['tampered by one trailing byte', (payload: string) => ({ body: `${payload}\n`, header: sign(payload) })],
    ['wrong secret', (payload: string) => ({ body: payload, header: sign(payload, { secret: 'whsec_someone_elses_endpoint' }) })],
    ['timestamp older than the tolerance', (payload: string) => ({ body: payload, header: sign(payload, { timestamp: unixSeconds() - TOLERANCE_SECONDS - 10 }) })],
    ['a replay of a valid delivery from an hour ago', (payload: string) => ({ body: payload, header: sign(payload, { timestamp: unixSeconds() - 3600 }) })],
    ['signature of another scheme only', (payload: string) => ({ body: payload, header: sign(payload).replace('v1=', 'v0=') })],
    ['garbage header', (payload: string) => ({ body: payload, header: 'not-a-signature' })],
  ])('%s: 400 invalid-signature', async (_, forge) => {
    const { user, customer, checkoutEventId } = await linkedUser();
    const payload = serialise(subscriptionCreated(customer));
    expect(payload).toContain('"price_pro"');
    const { body, header } = forge(payload);

    const problem = await expectProblem(await post(body, { 'Stripe-Signature': header }), 400, 'invalid-signature');
    expect(problem.detail).not.toContain(SECRET);
    await expectNothingStored([checkoutEventId]);
    expect(await userRow(user.id)).toMatchObject({ plan: 'free', version: 2 });
  });

  it('missing Stripe-Signature header: 400 missing-signature', async () => {
    await expectProblem(await post(serialise(subscriptionCreated()), {}), 400, 'missing-signature');
    await expectNothingStored();
  });

  it('a body over 1 MB: 413 even when validly signed, whether or not Content-Length announces it', async () => {
    const event = stripeEvent('customer.updated', { id: newCustomerId(), object: 'customer', metadata: { notes: 'x'.repeat(MAX_BODY_BYTES) } });
    const payload = serialise(event);
    expect(new TextEncoder().encode(payload).length).toBeGreaterThan(MAX_BODY_BYTES);

    const bytes = new TextEncoder().encode(payload);
    await expectProblem(await post(payload, { 'Stripe-Signature': sign(payload), 'Content-Length': String(bytes.length) }), 413, 'payload-too-large');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
    await expectProblem(await post(stream, { 'Stripe-Signature': sign(payload) }), 413, 'payload-too-large');
    await expectNothingStored();
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
  ])('STRIPE_WEBHOOK_SECRET %s: 503 with Retry-After, so Stripe keeps retrying', async (_, value) => {
    const event = subscriptionCreated();
    const payload = serialise(event);
    const header = sign(payload);
    try {
      if (value === undefined) delete process.env.STRIPE_WEBHOOK_SECRET;
      else process.env.STRIPE_WEBHOOK_SECRET = value;
      const response = await post(payload, { 'Stripe-Signature': header });
      await expectProblem(response, 503, 'webhook-not-configured');
      expect(response.headers.get('retry-after')).toBe('60');
    } finally {
      process.env.STRIPE_WEBHOOK_SECRET = SECRET;
    }
    await expectNothingStored();

    // Once configured, the retried delivery goes through.
    await expectAcknowledged(await post(payload, { 'Stripe-Signature': header }));
    dropAfterResponse();
    expect(await eventRows()).toHaveLength(1);
  });

  it.each(['GET', 'PUT', 'PATCH', 'DELETE'] as const)('%s: 405 with Allow: POST', async (method) => {
    const response = await route[method](new Request(new URL(PATH, BASE), { method }));
    const problem = await expectProblem(response, 405, 'method-not-allowed');
    expect(response.headers.get('allow')).toBe('POST');
    expect(problem.detail).toContain(method);
    await expectNothingStored();
  });
});

describe('POST /api/webhooks/stripe: delivered more than once', () => {
  it('the same event twice: 200 both times, the second says duplicate, one row and one effect', async () => {
    const { user, customer, subscription, checkoutEventId } = await linkedUser();
    const event = subscriptionEvent('customer.subscription.created', { subscription, customer, price: 'price_pro', created: T1 });

    await expectAcknowledged(await deliver(event));
    await expectAcknowledged(await deliver(event), true); // a retry because the first 200 got lost, before processing
    expect(afterMock).toHaveBeenCalledTimes(1);
    await runAfterResponse();
    await expectAcknowledged(await deliver(event), true); // and one after processing
    expect(afterMock).toHaveBeenCalledTimes(1);

    expect((await eventRows()).filter((row) => row.id !== checkoutEventId)).toMatchObject([{ id: event.id, status: 'processed', attempts: 1 }]);
    expect(await userRow(user.id)).toMatchObject({ plan: 'pro', subscriptionStatus: 'active', version: 3 });
    expect(await billingAudit(user.id)).toHaveLength(2); // linked + one update
    expectRevalidated(user.id);
  });
});

describe('POST /api/webhooks/stripe: out of order', () => {
  it.each(['in order', 'reversed'] as const)('updated then deleted, %s: canceled, never resurrected', async (order) => {
    const { user, customer, subscription } = await linkedUser();
    await deliverAndProcess(subscriptionEvent('customer.subscription.created', { subscription, customer, created: T0 }));
    const updated = subscriptionEvent('customer.subscription.updated', { subscription, customer, price: 'price_team', created: T1 });
    const deleted = subscriptionEvent('customer.subscription.deleted', { subscription, customer, status: 'canceled', price: 'price_team', created: T2 });

    for (const event of order === 'in order' ? [updated, deleted] : [deleted, updated]) await deliverAndProcess(event);

    expect(await userRow(user.id)).toMatchObject({ plan: 'free', subscriptionStatus: 'canceled' });
    expect((await eventRow(updated.id))!.status).toBe(order === 'in order' ? 'processed' : 'ignored');
    expect((await eventRow(deleted.id))!.status).toBe('processed');
  });

  it('a subscription event before checkout links the customer waits, then applies the moment checkout links it', async () => {
    const user = await newUser();
    const customer = newCustomerId();
    const subscription = newSubscriptionId();
    const early = subscriptionEvent('customer.subscription.created', { subscription, customer, price: 'price_team', created: T1 });

    const before = Date.now();
    await deliverAndProcess(early);
    const waiting = (await eventRow(early.id))!;
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('not linked') });
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(before);
    expect(userTagCalls()).toEqual([]);

    await deliverAndProcess(checkoutSessionCompleted({ customer, clientReferenceId: user.id, subscription, created: T2 }));
    expect(await userRow(user.id)).toMatchObject({ stripeCustomerId: customer, plan: 'team', subscriptionStatus: 'active' });
    expect(await eventRow(early.id)).toMatchObject({ status: 'processed', attempts: 2, lastError: null });
    expectRevalidated(user.id);
    // Nothing is left for the sweeper, however late it runs.
    expect(await processDueWebhookEvents(db, { now: () => new Date(waiting.nextAttemptAt.getTime() + 1) })).toEqual([]);
  });

  it("Stripe's own order, subscription.updated then checkout.session.completed a moment later: the plan is right without a sweep", async () => {
    const user = await newUser();
    const customer = newCustomerId();
    const subscription = newSubscriptionId();
    const created = unixSeconds();
    const updated = subscriptionEvent('customer.subscription.updated', { subscription, customer, price: 'price_pro', created });
    const renewed = subscriptionEvent('customer.subscription.updated', { subscription, customer, price: 'price_team', created: created + 1 });

    await deliverAndProcess(updated);
    await deliverAndProcess(renewed);
    expect(await userRow(user.id)).toMatchObject({ stripeCustomerId: null, plan: 'free' });
    await deliverAndProcess(checkoutSessionCompleted({ customer, clientReferenceId: user.id, subscription, created }));

    // Both waiting events applied, oldest first, so the newer price is the one that stays.
    expect(await userRow(user.id)).toMatchObject({ stripeCustomerId: customer, plan: 'team', subscriptionStatus: 'active' });
    expect((await eventRow(updated.id))!.status).toBe('processed');
    expect((await eventRow(renewed.id))!.status).toBe('processed');
    expect((await billingAudit(user.id)).map((event) => event.action)).toEqual(['customer.linked', 'subscription.updated', 'subscription.updated']);
  });
});

describe('POST /api/webhooks/stripe: failures', () => {
  it('a crash between storing and processing: the event stays pending and the sweeper completes it, once', async () => {
    const { user, customer, subscription } = await linkedUser();
    const event = subscriptionEvent('customer.subscription.created', { subscription, customer, price: 'price_pro', created: T1 });

    await expectAcknowledged(await deliver(event));
    dropAfterResponse();
    expect(await eventRow(event.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await userRow(user.id)).toMatchObject({ plan: 'free', version: 2 });

    // Within the grace period the sweeper leaves the event to the request's after()…
    expect(await processDueWebhookEvents(db)).toEqual([]);
    // …then its next tick, or the next start, completes it (default policy, plans from the environment).
    const nextTick = () => new Date(Date.now() + SWEEPER_GRACE_MS + 1);
    expect(await processDueWebhookEvents(db, { now: nextTick })).toEqual([{ status: 'processed', userIds: [user.id], organizationIds: [] }]);
    const applied = await userRow(user.id);
    expect(applied).toMatchObject({ plan: 'pro', subscriptionStatus: 'active', version: 3 });
    expect(await eventRow(event.id)).toMatchObject({ status: 'processed', attempts: 1 });

    // Running it again, or Stripe redelivering, changes nothing.
    expect(await processDueWebhookEvents(db, { now: nextTick })).toEqual([]);
    await expectAcknowledged(await deliver(event), true);
    expect(await userRow(user.id)).toEqual(applied);
    expect(await billingAudit(user.id)).toHaveLength(2);
  });

  it('the database refuses the insert: 500 problem+json, no row; Stripe’s retry then succeeds', async () => {
    const { user, customer, subscription, checkoutEventId } = await linkedUser();
    const event = subscriptionEvent('customer.subscription.created', { subscription, customer, price: 'price_pro', created: T1 });

    const response = await withRefusedInserts(() => deliver(event));
    const problem = await expectProblem(response, 500, 'internal');
    expect(JSON.stringify(problem)).not.toContain('disk full'); // internals don't leak
    await expectNothingStored([checkoutEventId]);
    expect(await userRow(user.id)).toMatchObject({ plan: 'free', version: 2 });

    await deliverAndProcess(event);
    expect(await eventRow(event.id)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await userRow(user.id)).toMatchObject({ plan: 'pro', version: 3 });
  });

  it('the database is unreachable: 503 with Retry-After, nothing acknowledged; the retry succeeds once it is back', async () => {
    const savedUrl = process.env.DATABASE_URL;
    const event = stripeEvent('customer.created', { id: newCustomerId(), object: 'customer' });
    await closeDatabase();
    process.env.DATABASE_URL = UNREACHABLE_POSTGRES;
    try {
      const response = await deliver(event);
      await expectProblem(response, 503, 'unavailable');
      expect(response.headers.get('retry-after')).toBe('5');
      expect(afterMock).not.toHaveBeenCalled();
    } finally {
      if (savedUrl === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = savedUrl;
      await closeDatabase();
      ({ db } = await getDatabase()); // a fresh in-memory database
    }

    await deliverAndProcess(event);
    expect(await eventRows()).toMatchObject([{ id: event.id, status: 'ignored' }]);
  });
});
