import { and, asc, eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { Forbidden, NotFound, PreconditionFailed, Unauthenticated } from '@/core/errors';
import type { CoreContext, Principal } from '@/core/principal';
import { createOrganization } from '@/core/organizations';
import { createUser } from '@/core/users';
import {
  defaultRetryPolicy,
  listWebhookEvents,
  parsePlanMap,
  processDueWebhookEvents,
  processWebhookEvent,
  reprocessWebhookEvent,
  storeWebhookEvent,
  type RetryPolicy,
  SWEEPER_GRACE_MS,
} from '@/core/webhooks';
import { auditEvents, organizations, stripeObjectVersions, users, webhookEvents } from '@/db/schema';
import { describeEachDatabase } from '../support/database';
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

// The webhook core on its own: storing, processing exactly once, ordering, retries and failure recording.
// The HTTP adapter (signature, body limit, after()) is covered in stripe-webhook.test.ts.

const plans = parsePlanMap('price_pro:pro, price_team:team');

// Stripe's `created` has one-second resolution; the events below happened an hour ago, a minute apart.
const T0 = unixSeconds() - 3600;
const T1 = T0 + 60;
const T2 = T0 + 120;

/** Far enough past any retry delay in these tests that every pending event is due. */
const later = (minutes: number) => () => new Date(Date.now() + minutes * 60_000);

describeEachDatabase('core: Stripe webhook processing', (database) => {
  // A console admin: creates the customers, and may reprocess failed events (webhooks:write).
  let admin: UserPrincipal;
  beforeEach(async () => {
    admin = await principalFor(database(), 'admin', 'console');
  });
  const ctx = (): CoreContext => ({ db: database(), principal: admin });

  const store = (event: StripeEventPayload) => storeWebhookEvent(database(), event);
  const process = (event: StripeEventPayload, options: { policy?: RetryPolicy; now?: () => Date } = {}) =>
    processWebhookEvent(database(), event.id, { plans, ...options });
  /** What the route plus its after() do for one delivery. */
  const receive = async (event: StripeEventPayload) => {
    expect(await store(event)).toEqual({ stored: true });
    return process(event);
  };

  const userRow = async (id: string) => (await database().select().from(users).where(eq(users.id, id)))[0]!;
  const eventRow = async (id: string) => (await database().select().from(webhookEvents).where(eq(webhookEvents.id, id)))[0];
  const eventRows = () => database().select().from(webhookEvents).orderBy(asc(webhookEvents.stripeCreatedAt), asc(webhookEvents.id));
  const versionRow = async (objectId: string) =>
    (await database().select().from(stripeObjectVersions).where(eq(stripeObjectVersions.objectId, objectId)))[0];
  const auditFor = (userId: string) =>
    database().select().from(auditEvents).where(eq(auditEvents.subjectId, userId)).orderBy(asc(auditEvents.createdAt), asc(auditEvents.id));
  const billingAudit = async (userId: string) => (await auditFor(userId)).filter((event) => event.action !== 'user.created');

  let emailSeq = 0;
  const newUser = (email = `customer${++emailSeq}@example.com`) => createUser(ctx(), { email, name: 'Customer' });

  /** A user whose Stripe customer is linked by a processed checkout, plus a subscription id to use. */
  async function linkedUser() {
    const user = await newUser();
    const customer = newCustomerId();
    const subscription = newSubscriptionId();
    const result = await receive(checkoutSessionCompleted({ customer, clientReferenceId: user.id, subscription, created: T0 - 60 }));
    expect(result.status).toBe('processed');
    return { user, customer, subscription };
  }

  /** Test-only trigger that makes one kind of audit insert fail inside the database, as a real fault would. */
  async function withFailingAudit<T>(action: string, body: () => Promise<T>): Promise<T> {
    const db = database();
    await db.execute(
      sql.raw(`CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.action = '${action}' THEN RAISE EXCEPTION 'test fault: audit insert refused'; END IF;
          RETURN NEW;
        END $$`),
    );
    await db.execute(sql.raw('CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_fail_audit()'));
    try {
      return await body();
    } finally {
      await db.execute(sql.raw('DROP TRIGGER IF EXISTS test_fail_audit ON audit_events'));
      await db.execute(sql.raw('DROP FUNCTION IF EXISTS test_fail_audit()'));
    }
  }

  describe('storing', () => {
    it('stores the whole verified event once, pending and due for the sweeper after the grace period; a redelivery stores nothing', async () => {
      const event = subscriptionEvent('customer.subscription.created', { subscription: newSubscriptionId(), customer: newCustomerId(), created: T1 });
      const before = Date.now();
      expect(await store(event)).toEqual({ stored: true });
      expect(await store({ ...event, data: { object: { tampered: true } } })).toEqual({ stored: false });

      const rows = await eventRows();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: event.id, type: event.type, status: 'pending', attempts: 0, lastError: null, processedAt: null });
      expect(rows[0]!.payload).toEqual(event); // the first delivery, not the redelivery's body
      expect(rows[0]!.stripeCreatedAt.getTime()).toBe(T1 * 1000);
      expect(rows[0]!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + SWEEPER_GRACE_MS);
      expect(rows[0]!.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + SWEEPER_GRACE_MS);
    });
  });

  describe('checkout.session.completed links the Stripe customer', () => {
    it('by client_reference_id: one versioned, audited change as system:stripe through the webhook door', async () => {
      const user = await newUser();
      const customer = newCustomerId();
      const event = checkoutSessionCompleted({ customer, clientReferenceId: user.id, email: 'someone-else@example.com' });

      expect(await receive(event)).toEqual({ status: 'processed', userIds: [user.id], organizationIds: [] });

      expect(await userRow(user.id)).toMatchObject({ stripeCustomerId: customer, plan: 'free', subscriptionStatus: null, version: 2 });
      const audit = await billingAudit(user.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor: 'system:stripe',
        door: 'webhook',
        action: 'customer.linked',
        changes: { stripeCustomerId: { before: null, after: customer } },
      });
      const row = await eventRow(event.id);
      expect(row).toMatchObject({ status: 'processed', attempts: 1, lastError: null });
      expect(row!.processedAt).toBeInstanceOf(Date);
    });

    it('never by the email typed at checkout: without a client_reference_id nobody is linked, even a user with that address', async () => {
      const user = await newUser('grace.hopper@example.com');
      const customer = newCustomerId();
      const event = checkoutSessionCompleted({ customer, email: 'Grace.Hopper@example.com' });
      expect(await receive(event)).toEqual({ status: 'ignored', userIds: [], organizationIds: [] });
      expect(await eventRow(event.id)).toMatchObject({ status: 'ignored', lastError: expect.stringContaining('never matched by email') });
      expect(await userRow(user.id)).toMatchObject({ stripeCustomerId: null, version: 1 });
    });

    it('accepts an expanded customer object', async () => {
      const user = await newUser();
      const customer = newCustomerId();
      await receive(checkoutSessionCompleted({ customer: { id: customer, object: 'customer' }, clientReferenceId: user.id }));
      expect((await userRow(user.id)).stripeCustomerId).toBe(customer);
    });

    it('a client_reference_id that names nobody fails for good, linking nobody', async () => {
      const bystander = await newUser('late@example.com');
      const event = checkoutSessionCompleted({ customer: newCustomerId(), clientReferenceId: '01900000-0000-7000-8000-000000000000', email: 'late@example.com' });
      expect(await receive(event)).toEqual({ status: 'failed', userIds: [], organizationIds: [] });
      expect(await eventRow(event.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('Nothing in Roster has the id') });
      expect(await userRow(bystander.id)).toMatchObject({ stripeCustomerId: null, version: 1 });
    });

    it('never re-links a user already linked to another customer: failed at once, nothing changed', async () => {
      const { user, customer } = await linkedUser();
      const event = checkoutSessionCompleted({ customer: newCustomerId(), clientReferenceId: user.id });
      expect(await receive(event)).toEqual({ status: 'failed', userIds: [], organizationIds: [] });
      expect(await eventRow(event.id)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('already linked to another Stripe customer') });
      expect(await userRow(user.id)).toMatchObject({ stripeCustomerId: customer, version: 2 });
    });

    it('never moves a customer that is already linked to someone else: failed at once, nothing changed', async () => {
      const { user: owner, customer } = await linkedUser();
      const other = await newUser();
      const event = checkoutSessionCompleted({ customer, clientReferenceId: other.id });

      expect(await receive(event)).toEqual({ status: 'failed', userIds: [], organizationIds: [] });
      expect(await eventRow(event.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('already linked') });
      expect((await userRow(owner.id)).stripeCustomerId).toBe(customer);
      expect(await userRow(other.id)).toMatchObject({ stripeCustomerId: null, version: 1 });
    });
  });

  describe('subscription lifecycle', () => {
    it('created -> updated -> invoice.payment_failed -> deleted: plan and status follow, one version and audit event each', async () => {
      const { user, customer, subscription } = await linkedUser();
      const at = (n: number) => T0 + n * 60;

      const created = subscriptionEvent('customer.subscription.created', { subscription, customer, status: 'active', price: 'price_pro', created: at(0) });
      expect(await receive(created)).toEqual({ status: 'processed', userIds: [user.id], organizationIds: [] });
      expect(await userRow(user.id)).toMatchObject({ plan: 'pro', subscriptionStatus: 'active', version: 3 });

      const upgraded = subscriptionEvent('customer.subscription.updated', { subscription, customer, status: 'active', price: 'price_team', created: at(1) });
      await receive(upgraded);
      expect(await userRow(user.id)).toMatchObject({ plan: 'team', subscriptionStatus: 'active', version: 4 });

      const failed = invoicePaymentFailed({ subscription, customer, created: at(2) });
      await receive(failed);
      // past_due still has what it pays for: the plan stays.
      expect(await userRow(user.id)).toMatchObject({ plan: 'team', subscriptionStatus: 'past_due', version: 5 });

      const deleted = subscriptionEvent('customer.subscription.deleted', { subscription, customer, status: 'canceled', price: 'price_team', created: at(3) });
      await receive(deleted);
      expect(await userRow(user.id)).toMatchObject({ plan: 'free', subscriptionStatus: 'canceled', version: 6 });

      const audit = await billingAudit(user.id);
      expect(audit.map((event) => [event.action, event.actor, event.door])).toEqual([
        ['customer.linked', 'system:stripe', 'webhook'],
        ['subscription.updated', 'system:stripe', 'webhook'],
        ['subscription.updated', 'system:stripe', 'webhook'],
        ['subscription.updated', 'system:stripe', 'webhook'],
        ['subscription.updated', 'system:stripe', 'webhook'],
      ]);
      expect(audit.map((event) => event.changes)).toEqual([
        { stripeCustomerId: { before: null, after: customer } },
        { plan: { before: 'free', after: 'pro' }, subscriptionStatus: { before: null, after: 'active' } },
        { plan: { before: 'pro', after: 'team' } },
        { subscriptionStatus: { before: 'active', after: 'past_due' } },
        { plan: { before: 'team', after: 'free' }, subscriptionStatus: { before: 'past_due', after: 'canceled' } },
      ]);
      expect((await eventRows()).map((row) => row.status)).toEqual(['processed', 'processed', 'processed', 'processed', 'processed']);
      expect(await versionRow(subscription)).toMatchObject({ lastEventId: deleted.id, lastEventType: 'customer.subscription.deleted', deleted: true });
    });

    it('maps by product when the price is not mapped, including an expanded product', async () => {
      const { user, customer, subscription } = await linkedUser();
      const event = subscriptionEvent('customer.subscription.created', {
        subscription,
        customer,
        price: 'price_unlisted',
        product: 'prod_team',
        expandProduct: true,
        created: T1,
      });
      await storeWebhookEvent(database(), event);
      await processWebhookEvent(database(), event.id, { plans: parsePlanMap('prod_team:team') });
      expect(await userRow(user.id)).toMatchObject({ plan: 'team', subscriptionStatus: 'active' });
    });

    it('a subscription that is not entitled (unpaid, incomplete) gets the free plan but keeps its status', async () => {
      const { user, customer, subscription } = await linkedUser();
      await receive(subscriptionEvent('customer.subscription.created', { subscription, customer, status: 'incomplete', price: 'price_pro', created: T1 }));
      expect(await userRow(user.id)).toMatchObject({ plan: 'free', subscriptionStatus: 'incomplete' });
      await receive(subscriptionEvent('customer.subscription.updated', { subscription, customer, status: 'trialing', price: 'price_pro', created: T2 }));
      expect(await userRow(user.id)).toMatchObject({ plan: 'pro', subscriptionStatus: 'trialing' });
    });

    it('invoice.payment_failed from an older API version (subscription at the top level) marks past_due', async () => {
      const { user, customer, subscription } = await linkedUser();
      await receive(subscriptionEvent('customer.subscription.created', { subscription, customer, created: T1 }));
      const event = invoicePaymentFailed({ subscription, customer, legacy: true, created: T2 });
      expect((event.data.object as { parent?: unknown }).parent).toBeUndefined();

      expect(await receive(event)).toEqual({ status: 'processed', userIds: [user.id], organizationIds: [] });
      expect(await userRow(user.id)).toMatchObject({ plan: 'pro', subscriptionStatus: 'past_due' });
    });

    it('an invoice without a subscription is ignored, with the reason recorded', async () => {
      const { user, customer } = await linkedUser();
      const event = invoicePaymentFailed({ subscription: 'unused', customer, created: T1 });
      delete (event.data.object as { parent?: unknown }).parent;

      expect(await receive(event)).toEqual({ status: 'ignored', userIds: [], organizationIds: [] });
      expect(await eventRow(event.id)).toMatchObject({ status: 'ignored', attempts: 1, lastError: 'invoice without a subscription' });
      expect((await userRow(user.id)).version).toBe(2);
    });

    it('an event that changes nothing bumps no version and writes no audit event', async () => {
      const { user, customer, subscription } = await linkedUser();
      await receive(subscriptionEvent('customer.subscription.created', { subscription, customer, created: T1 }));
      const before = await userRow(user.id);
      // e.g. only cancel_at_period_end changed, which Roster doesn't track
      expect(await receive(subscriptionEvent('customer.subscription.updated', { subscription, customer, created: T2 }))).toMatchObject({
        status: 'processed',
      });
      expect(await userRow(user.id)).toEqual(before);
      expect(await billingAudit(user.id)).toHaveLength(2);
    });

    it('an unhandled event type is acknowledged as ignored and touches nothing', async () => {
      const event = stripeEvent('customer.created', { id: newCustomerId(), object: 'customer', email: 'x@example.com' });
      expect(await receive(event)).toEqual({ status: 'ignored', userIds: [], organizationIds: [] });
      expect(await eventRow(event.id)).toMatchObject({ status: 'ignored', attempts: 1, lastError: expect.stringContaining('customer.created') });
      expect(await database().select().from(stripeObjectVersions)).toHaveLength(0);
    });

    it('a payload of the wrong shape fails at once (retrying cannot help)', async () => {
      const event = stripeEvent('customer.subscription.updated', { id: newSubscriptionId(), object: 'subscription', status: 'active' });
      expect(await receive(event)).toEqual({ status: 'failed', userIds: [], organizationIds: [] });
      expect(await eventRow(event.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('Unexpected event payload') });
    });
  });

  describe('an organization pays: client_reference_id org_<id>', () => {
    const organizationRow = async (id: string) => (await database().select().from(organizations).where(eq(organizations.id, id)))[0]!;
    const organizationAudit = (id: string) =>
      database()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.subjectType, 'organization'), eq(auditEvents.subjectId, id)))
        .orderBy(asc(auditEvents.position));
    let orgSeq = 0;
    const newOrganization = async () => {
      const owner = await newUser();
      return createOrganization(ctx(), { name: 'Paying Co', slug: `paying-co-${++orgSeq}`, ownerId: owner.id }, 'open');
    };

    it("links the organization's customer, then its subscription sets the organization's plan, in order, with events about it", async () => {
      const organization = await newOrganization();
      const customer = newCustomerId();
      const subscription = newSubscriptionId();
      const checkout = checkoutSessionCompleted({ customer, clientReferenceId: `org_${organization.id}`, subscription, created: T0 });
      expect(await receive(checkout)).toEqual({ status: 'processed', userIds: [], organizationIds: [organization.id] });

      const upgraded = subscriptionEvent('customer.subscription.updated', { subscription, customer, status: 'active', price: 'price_team', created: T2 });
      const created = subscriptionEvent('customer.subscription.created', { subscription, customer, status: 'active', price: 'price_pro', created: T1 });
      expect(await receive(upgraded)).toEqual({ status: 'processed', userIds: [], organizationIds: [organization.id] });
      // The older event arrives late: ignored, as for a user.
      expect(await receive(created)).toEqual({ status: 'ignored', userIds: [], organizationIds: [] });
      expect(await organizationRow(organization.id)).toMatchObject({ stripeCustomerId: customer, plan: 'team', subscriptionStatus: 'active', version: 3 });

      const audit = (await organizationAudit(organization.id)).filter((event) => event.action !== 'organization.created');
      expect(audit.map((event) => [event.action, event.actor, event.door, event.organizationId])).toEqual([
        ['customer.linked', 'system:stripe', 'webhook', organization.id],
        ['subscription.updated', 'system:stripe', 'webhook', organization.id],
      ]);
      expect(audit[1]!.changes).toEqual({ plan: { before: 'free', after: 'team' }, subscriptionStatus: { before: null, after: 'active' } });
      expect(audit[1]!.data).toMatchObject({ organization: { id: organization.id, plan: 'team', subscriptionStatus: 'active' } });

      const deleted = subscriptionEvent('customer.subscription.deleted', { subscription, customer, status: 'canceled', price: 'price_team', created: T2 + 60 });
      await receive(deleted);
      expect(await organizationRow(organization.id)).toMatchObject({ plan: 'free', subscriptionStatus: 'canceled', version: 4 });
    });

    it('an organization subscription that arrives before its checkout waits for the link, then applies', async () => {
      const organization = await newOrganization();
      const customer = newCustomerId();
      const subscription = newSubscriptionId();
      const early = subscriptionEvent('customer.subscription.created', { subscription, customer, price: 'price_pro', created: T1 });
      expect(await receive(early)).toEqual({ status: 'retrying', userIds: [], organizationIds: [] });
      const checkout = checkoutSessionCompleted({ customer, clientReferenceId: `org_${organization.id}`, subscription, created: T2 });
      expect(await receive(checkout)).toEqual({ status: 'processed', userIds: [], organizationIds: [organization.id] });
      expect(await organizationRow(organization.id)).toMatchObject({ plan: 'pro', subscriptionStatus: 'active', version: 3 });
    });

    it('org_ with a malformed or unknown id links nothing; a customer never moves between a user and an organization', async () => {
      const malformed = checkoutSessionCompleted({ customer: newCustomerId(), clientReferenceId: 'org_acme' });
      expect(await receive(malformed)).toEqual({ status: 'ignored', userIds: [], organizationIds: [] });
      expect(await eventRow(malformed.id)).toMatchObject({ lastError: expect.stringContaining('org_<organization id>') });

      const unknown = checkoutSessionCompleted({ customer: newCustomerId(), clientReferenceId: 'org_01900000-0000-7000-8000-000000000000' });
      expect(await receive(unknown)).toEqual({ status: 'failed', userIds: [], organizationIds: [] });

      const { user, customer } = await linkedUser();
      const organization = await newOrganization();
      const stolen = checkoutSessionCompleted({ customer, clientReferenceId: `org_${organization.id}` });
      expect(await receive(stolen)).toEqual({ status: 'failed', userIds: [], organizationIds: [] });
      expect(await eventRow(stolen.id)).toMatchObject({ lastError: expect.stringContaining('already linked to another user') });
      expect(await organizationRow(organization.id)).toMatchObject({ stripeCustomerId: null, version: 1 });
      expect((await userRow(user.id)).stripeCustomerId).toBe(customer);

      const orgCustomer = newCustomerId();
      await receive(checkoutSessionCompleted({ customer: orgCustomer, clientReferenceId: `org_${organization.id}` }));
      const other = await newUser();
      const toUser = checkoutSessionCompleted({ customer: orgCustomer, clientReferenceId: other.id });
      expect(await receive(toUser)).toEqual({ status: 'failed', userIds: [], organizationIds: [] });
      expect(await eventRow(toUser.id)).toMatchObject({ lastError: expect.stringContaining('already linked to another organization') });
      expect(await userRow(other.id)).toMatchObject({ stripeCustomerId: null, version: 1 });
    });
  });

  describe('exactly once', () => {
    it('processing the same event again is a no-op: skipped, one effect', async () => {
      const { user, customer, subscription } = await linkedUser();
      const event = subscriptionEvent('customer.subscription.created', { subscription, customer, created: T1 });
      await store(event);

      expect(await process(event)).toEqual({ status: 'processed', userIds: [user.id], organizationIds: [] });
      expect(await process(event)).toEqual({ status: 'skipped', userIds: [], organizationIds: [] });
      expect(await processDueWebhookEvents(database(), { plans, now: later(60) })).toEqual([]);

      expect((await userRow(user.id)).version).toBe(3);
      expect(await billingAudit(user.id)).toHaveLength(2);
      expect(await eventRow(event.id)).toMatchObject({ status: 'processed', attempts: 1 });
    });

    it('two processors racing for one event (after() and the sweeper): one applies it, the other skips', async () => {
      const { user, customer, subscription } = await linkedUser();
      const event = subscriptionEvent('customer.subscription.created', { subscription, customer, created: T1 });
      await store(event);

      const results = await Promise.all([process(event), process(event), processDueWebhookEvents(database(), { plans })]);
      const statuses = [results[0].status, results[1].status, ...results[2].map((result) => result.status)];
      expect(statuses.filter((status) => status === 'processed')).toHaveLength(1);
      expect(statuses.filter((status) => status !== 'processed' && status !== 'skipped')).toEqual([]);
      expect((await userRow(user.id)).version).toBe(3);
      expect(await billingAudit(user.id)).toHaveLength(2);
    });
  });

  describe('out-of-order delivery: each pair ends in the right state in both orders', () => {
    type Setup = { customer: string; subscription: string };
    interface Pair {
      /** Applied first, in order, before the pair (the state the pair starts from). */
      before: (s: Setup) => StripeEventPayload[];
      older: (s: Setup) => StripeEventPayload;
      newer: (s: Setup) => StripeEventPayload;
      expected: { plan: string; subscriptionStatus: string };
    }
    const created = (s: Setup, created: number, price = 'price_pro', status = 'active') =>
      subscriptionEvent('customer.subscription.created', { ...s, price, status, created });
    const updated = (s: Setup, created: number, price: string, status = 'active') =>
      subscriptionEvent('customer.subscription.updated', { ...s, price, status, created });
    const deleted = (s: Setup, created: number) => subscriptionEvent('customer.subscription.deleted', { ...s, price: 'price_team', status: 'canceled', created });

    const pairs: Record<string, Pair> = {
      '(created, updated)': {
        before: () => [],
        older: (s) => created(s, T1, 'price_pro'),
        newer: (s) => updated(s, T2, 'price_team'),
        expected: { plan: 'team', subscriptionStatus: 'active' },
      },
      '(updated, deleted): an update after the deletion must not resurrect the subscription': {
        before: (s) => [created(s, T0)],
        older: (s) => updated(s, T1, 'price_team'),
        newer: (s) => deleted(s, T2),
        expected: { plan: 'free', subscriptionStatus: 'canceled' },
      },
      '(updated at t1, updated at t2)': {
        before: (s) => [created(s, T0)],
        older: (s) => updated(s, T1, 'price_pro', 'past_due'),
        newer: (s) => updated(s, T2, 'price_team', 'active'),
        expected: { plan: 'team', subscriptionStatus: 'active' },
      },
      '(updated: upgrade to team, invoice.payment_failed for it)': {
        before: (s) => [created(s, T0, 'price_pro')],
        older: (s) => updated(s, T1, 'price_team'),
        newer: (s) => invoicePaymentFailed({ ...s, created: T2 }),
        // Stripe's state at t2: on the team price, and past due (which keeps the plan).
        expected: { plan: 'team', subscriptionStatus: 'past_due' },
      },
      '(invoice.payment_failed, updated: the retried payment succeeded)': {
        before: (s) => [created(s, T0, 'price_pro')],
        older: (s) => invoicePaymentFailed({ ...s, created: T1 }),
        newer: (s) => updated(s, T2, 'price_pro', 'active'),
        expected: { plan: 'pro', subscriptionStatus: 'active' },
      },
      '(updated, deleted) in the same second: deleted wins': {
        before: (s) => [created(s, T0)],
        older: (s) => updated(s, T1, 'price_team'),
        newer: (s) => deleted(s, T1),
        expected: { plan: 'free', subscriptionStatus: 'canceled' },
      },
      '(created, updated) in the same second: updated wins': {
        before: () => [],
        older: (s) => created(s, T1, 'price_pro'),
        newer: (s) => updated(s, T1, 'price_team'),
        expected: { plan: 'team', subscriptionStatus: 'active' },
      },
    };

    describe.each(Object.entries(pairs))('%s', (_, pair) => {
      it.each(['in order', 'reversed'] as const)('%s', async (order) => {
        const { user, customer, subscription } = await linkedUser();
        const setup = { customer, subscription };
        for (const event of pair.before(setup)) expect((await receive(event)).status).toBe('processed');

        const older = pair.older(setup);
        const newer = pair.newer(setup);
        for (const event of order === 'in order' ? [older, newer] : [newer, older]) await receive(event);

        expect(await userRow(user.id)).toMatchObject(pair.expected);
        // Both were handled for good: nothing is left to retry, nothing failed.
        for (const event of [older, newer]) expect((await eventRow(event.id))!.status).toMatch(/^(processed|ignored)$/);
      });
    });

    it('newest first across three events: the failed payment keeps its status, the upgrade its price, the creation nothing', async () => {
      const { user, customer, subscription } = await linkedUser();
      const s = { customer, subscription };
      for (const event of [invoicePaymentFailed({ ...s, created: T2 }), updated(s, T1, 'price_team'), created(s, T0, 'price_pro')]) await receive(event);
      expect(await userRow(user.id)).toMatchObject({ plan: 'team', subscriptionStatus: 'past_due' });
    });

    it('a payment failure after the deletion does not revive the subscription', async () => {
      const { user, customer, subscription } = await linkedUser();
      await receive(created({ customer, subscription }, T0));
      await receive(deleted({ customer, subscription }, T1));
      const late = invoicePaymentFailed({ customer, subscription, created: T2 });
      expect(await receive(late)).toEqual({ status: 'ignored', userIds: [], organizationIds: [] });
      expect((await eventRow(late.id))!.lastError).toBe(`${subscription} was already deleted`);
      expect(await userRow(user.id)).toMatchObject({ plan: 'free', subscriptionStatus: 'canceled' });
    });

    it('an update arriving after the deletion is ignored, says why, and changes nothing', async () => {
      const { user, customer, subscription } = await linkedUser();
      await receive(created({ customer, subscription }, T0));
      const gone = deleted({ customer, subscription }, T1);
      await receive(gone);
      const canceled = await userRow(user.id);

      const late = updated({ customer, subscription }, T2, 'price_team'); // even one stamped later
      expect(await receive(late)).toEqual({ status: 'ignored', userIds: [], organizationIds: [] });
      expect(await eventRow(late.id)).toMatchObject({ status: 'ignored', lastError: `${subscription} was already deleted` });
      expect(await userRow(user.id)).toEqual(canceled);
      expect(await versionRow(subscription)).toMatchObject({ lastEventId: gone.id, deleted: true });
    });

    it('an older event arriving late is ignored and names the newer event', async () => {
      const { user, customer, subscription } = await linkedUser();
      const newer = updated({ customer, subscription }, T2, 'price_team');
      await receive(newer);
      const stale = updated({ customer, subscription }, T1, 'price_pro');
      expect(await receive(stale)).toEqual({ status: 'ignored', userIds: [], organizationIds: [] });
      expect((await eventRow(stale.id))!.lastError).toContain(newer.id);
      expect((await userRow(user.id)).plan).toBe('team');
    });

    it('the sweeper processes a backlog oldest first, whatever order it arrived in', async () => {
      const { user, customer, subscription } = await linkedUser();
      const s = { customer, subscription };
      const backlog = [deleted(s, T2), updated(s, T1, 'price_team'), created(s, T0)];
      for (const event of backlog) await store(event);

      const afterGrace = () => new Date(Date.now() + SWEEPER_GRACE_MS + 1);
      const results = await processDueWebhookEvents(database(), { plans, now: afterGrace });
      expect(results.map((result) => result.status)).toEqual(['processed', 'processed', 'processed']);
      expect(await userRow(user.id)).toMatchObject({ plan: 'free', subscriptionStatus: 'canceled', version: 5 });
    });
  });

  describe('retries', () => {
    it('a subscription event for a customer not linked yet waits, and applies once checkout links the customer', async () => {
      const user = await newUser();
      const customer = newCustomerId();
      const subscription = newSubscriptionId();
      const early = subscriptionEvent('customer.subscription.created', { subscription, customer, price: 'price_pro', created: T1 });

      const before = Date.now();
      expect(await receive(early)).toEqual({ status: 'retrying', userIds: [], organizationIds: [] });
      const waiting = (await eventRow(early.id))!;
      expect(waiting).toMatchObject({ status: 'pending', attempts: 1, processedAt: null, lastError: expect.stringContaining(customer) });
      // First retry after the policy's base delay.
      expect(waiting.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + defaultRetryPolicy.baseDelayMs);
      expect(waiting.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + defaultRetryPolicy.baseDelayMs);
      expect(await userRow(user.id)).toMatchObject({ plan: 'free', version: 1 });

      // Not due yet: the sweeper leaves it alone.
      expect(await processDueWebhookEvents(database(), { plans })).toEqual([]);

      // The checkout links the customer, and the waiting event applies in the same call, without a sweep.
      const linked = checkoutSessionCompleted({ customer: { id: customer, object: 'customer' }, clientReferenceId: user.id, subscription, created: T2 });
      expect(await receive(linked)).toEqual({ status: 'processed', userIds: [user.id], organizationIds: [] });
      expect(await userRow(user.id)).toMatchObject({ stripeCustomerId: customer, plan: 'pro', subscriptionStatus: 'active', version: 3 });
      expect(await eventRow(early.id)).toMatchObject({ status: 'processed', attempts: 2, lastError: null });
      expect(await processDueWebhookEvents(database(), { plans, now: () => new Date(waiting.nextAttemptAt.getTime() + 1) })).toEqual([]);
    });

    it('backs off exponentially up to the cap, then gives up: failed after maxAttempts', async () => {
      const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 3_000 };
      const event = subscriptionEvent('customer.subscription.updated', { subscription: newSubscriptionId(), customer: newCustomerId(), created: T1 });
      await store(event);

      let clock = Date.now() + SWEEPER_GRACE_MS;
      const now = () => new Date(clock);
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        const results = await processDueWebhookEvents(database(), { plans, policy, now });
        expect(results).toEqual([{ status: 'retrying', userIds: [], organizationIds: [] }]);
        const row = (await eventRow(event.id))!;
        expect(row).toMatchObject({ status: 'pending', attempts: attempt });
        delays.push(row.nextAttemptAt.getTime() - clock);
        // Not due a millisecond early.
        clock = row.nextAttemptAt.getTime() - 1;
        expect(await processDueWebhookEvents(database(), { plans, policy, now })).toEqual([]);
        clock += 1;
      }
      expect(delays).toEqual([1_000, 2_000, 3_000]);

      expect(await processDueWebhookEvents(database(), { plans, policy, now })).toEqual([{ status: 'failed', userIds: [], organizationIds: [] }]);
      expect(await eventRow(event.id)).toMatchObject({ status: 'failed', attempts: 4, lastError: expect.stringContaining('not linked') });
      // Failed events are not retried by the sweeper any more.
      clock += 24 * 3600_000;
      expect(await processDueWebhookEvents(database(), { plans, policy, now })).toEqual([]);
    });

    it('an unmapped price fails at once; reprocessing after fixing the configuration applies it; only failed events can be reprocessed', async () => {
      const { user, customer, subscription } = await linkedUser();
      const event = subscriptionEvent('customer.subscription.created', { subscription, customer, price: 'price_enterprise', product: 'prod_enterprise', created: T1 });

      expect(await receive(event)).toEqual({ status: 'failed', userIds: [], organizationIds: [] });
      expect(await eventRow(event.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('price_enterprise') });
      expect(await userRow(user.id)).toMatchObject({ plan: 'free', subscriptionStatus: null, version: 2 });
      expect(await versionRow(subscription)).toBeUndefined();

      const fixed = parsePlanMap('price_pro:pro,price_team:team,price_enterprise:enterprise');
      expect(await reprocessWebhookEvent(ctx(), event.id, { plans: fixed })).toEqual({ status: 'processed', userIds: [user.id], organizationIds: [] });
      expect(await userRow(user.id)).toMatchObject({ plan: 'enterprise', subscriptionStatus: 'active', version: 3 });
      expect(await eventRow(event.id)).toMatchObject({ status: 'processed', attempts: 1, lastError: null });
      // Who asked for the reprocess is on record, apart from what Stripe's event then changed.
      const [reprocessed] = await database().select().from(auditEvents).where(eq(auditEvents.action, 'webhook.reprocessed'));
      expect(reprocessed).toMatchObject({
        actor: `user:${admin.userId}`,
        door: 'console',
        subjectType: 'webhook-event',
        subjectId: event.id,
        changes: { status: { before: 'failed', after: 'pending' } },
      });

      const again = await reprocessWebhookEvent(ctx(), event.id, { plans: fixed }).catch((error: unknown) => error);
      expect(again).toBeInstanceOf(PreconditionFailed);
      expect((again as Error).message).toContain('processed');
      expect((await userRow(user.id)).version).toBe(3);

      await expect(reprocessWebhookEvent(ctx(), 'evt_does_not_exist')).rejects.toBeInstanceOf(NotFound);
    });

    it('listing needs webhooks:read and reprocessing webhooks:write: a viewer lists but cannot reprocess, a member and nobody can do neither', async () => {
      const event = subscriptionEvent('customer.subscription.created', { subscription: newSubscriptionId(), customer: newCustomerId(), price: 'price_enterprise', created: T1 });
      await store(event);
      await database().update(webhookEvents).set({ status: 'failed', attempts: 1, lastError: 'unmapped price' }).where(eq(webhookEvents.id, event.id));
      const ctxOf = (principal: Principal): CoreContext => ({ db: database(), principal });
      const viewer = ctxOf(await principalFor(database(), 'viewer', 'console'));
      const member = ctxOf(await principalFor(database(), 'member', 'console'));
      const nobody = ctxOf({ kind: 'anonymous', door: 'console' });

      expect((await listWebhookEvents(viewer)).map((row) => row.id)).toEqual([event.id]);
      expect((await listWebhookEvents(ctx())).map((row) => row.id)).toEqual([event.id]);
      await expect(reprocessWebhookEvent(viewer, event.id)).rejects.toBeInstanceOf(Forbidden);
      await expect(listWebhookEvents(member)).rejects.toBeInstanceOf(Forbidden);
      await expect(reprocessWebhookEvent(member, event.id)).rejects.toBeInstanceOf(Forbidden);
      await expect(listWebhookEvents(nobody)).rejects.toBeInstanceOf(Unauthenticated);
      await expect(reprocessWebhookEvent(nobody, event.id)).rejects.toBeInstanceOf(Unauthenticated);

      expect(await eventRow(event.id)).toMatchObject({ status: 'failed', attempts: 1 });
      expect(await database().select().from(auditEvents).where(eq(auditEvents.action, 'webhook.reprocessed'))).toEqual([]);
    });

    it('a failure half-way through applying rolls back the change (savepoint) but records the failure on the event', async () => {
      const { user, customer, subscription } = await linkedUser();
      const event = subscriptionEvent('customer.subscription.created', { subscription, customer, price: 'price_pro', created: T1 });
      await store(event);

      const result = await withFailingAudit('subscription.updated', () => process(event));
      expect(result).toEqual({ status: 'retrying', userIds: [], organizationIds: [] });

      // The users UPDATE ran before the audit INSERT failed: it was rolled back with it.
      expect(await userRow(user.id)).toMatchObject({ plan: 'free', subscriptionStatus: null, version: 2 });
      expect(await billingAudit(user.id)).toHaveLength(1);
      expect(await versionRow(subscription)).toBeUndefined();
      const row = (await eventRow(event.id))!;
      expect(row).toMatchObject({ status: 'pending', attempts: 1, processedAt: null });
      expect(row.lastError).toContain('test fault: audit insert refused');
      expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

      // Once the fault is gone, the retry applies it, once.
      expect(await processDueWebhookEvents(database(), { plans, now: later(5) })).toEqual([{ status: 'processed', userIds: [user.id], organizationIds: [] }]);
      expect(await userRow(user.id)).toMatchObject({ plan: 'pro', subscriptionStatus: 'active', version: 3 });
      expect(await billingAudit(user.id)).toHaveLength(2);
      expect(await eventRow(event.id)).toMatchObject({ status: 'processed', attempts: 2, lastError: null });
    });
  });
});
