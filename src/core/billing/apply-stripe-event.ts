import 'server-only';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Transaction } from '@/db/client';
import { stripeObjectVersions, type WebhookEventRow } from '@/db/schema';
import type { Principal } from '../principal';
import { PermanentFailure, RetryLater } from '../webhooks/errors';
import { applyBillingChanges, changedCustomer, customerLinkedTo, customerNamedBy, describeCustomer, type ChangedCustomers, type Customer } from './customers';
import type { PlanMap } from './plans';
import { checkoutSession, invoice, subscription, type Subscription } from './stripe-objects';

export type EventOutcome = ChangedCustomers & {
  outcome: 'processed' | 'ignored';
  reason?: string;
  /** A checkout linked this Stripe customer to a user or organization: events waiting for that link can apply now. */
  linkedCustomer?: string;
};

const nothingChanged = (reason: string): EventOutcome => ({ outcome: 'ignored', userIds: [], organizationIds: [], reason });

/** The events Roster acts on; anything else is stored and acknowledged as ignored. */
export const handledEventTypes = [
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.payment_failed',
] as const;

// Same-second events (Stripe's `created` has one-second resolution) apply in lifecycle order.
const lifecycleRank: Record<string, number> = {
  'customer.subscription.created': 0,
  'customer.subscription.updated': 1,
  'invoice.payment_failed': 1,
  'customer.subscription.deleted': 2,
};

// Subscription statuses in which the customer still has what they pay for.
const entitledStatuses = new Set(['active', 'trialing', 'past_due']);

/** Applies one stored event inside `tx` (which also records the event's outcome), through the core. */
export async function applyStripeEvent(
  tx: Transaction,
  principal: Principal,
  event: WebhookEventRow,
  plans: PlanMap,
): Promise<EventOutcome> {
  const object = (event.payload as { data?: { object?: unknown } }).data?.object;
  switch (event.type) {
    case 'checkout.session.completed':
      return linkCustomer(tx, principal, parse(checkoutSession, object));
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const sub = parse(subscription, object);
      const customer = await customerFor(tx, sub.customer);
      const apply = async () => {
        // A newer invoice.payment_failed already set the status; this older snapshot still brings the current price.
        const failedSince = event.type !== 'customer.subscription.deleted' && (await isNewerThan(tx, paymentFailedKey(sub.id), event));
        return applySubscription(tx, principal, customer, failedSince ? { ...sub, status: 'past_due' } : sub, event.type, plans);
      };
      return applyInOrder(tx, event, { objectId: sub.id }, apply, customer);
    }
    case 'invoice.payment_failed': {
      const failed = parse(invoice, object);
      const subscriptionId = failed.parent?.subscription_details?.subscription ?? failed.subscription;
      if (!subscriptionId) return nothingChanged('invoice without a subscription');
      const customer = await customerFor(tx, failed.customer);
      // It carries the status only, so it is versioned apart: it must not make an older subscription event (which
      // carries the price) stale, yet it is stale itself once a newer subscription event, or the deletion, applied.
      const apply = () => applyBillingChanges(tx, principal, customer, { subscriptionStatus: 'past_due' }, 'subscription.updated');
      return applyInOrder(tx, event, { objectId: paymentFailedKey(subscriptionId), guardedBy: subscriptionId }, apply, customer);
    }
    default:
      return nothingChanged(`event type ${event.type} is not handled`);
  }
}

/**
 * Links the checkout's Stripe customer to whoever the product named in `client_reference_id` (a user's id, or
 * `org_<id>` for an organization), and to nobody else: never by the email typed at checkout (anyone can type anyone's
 * address), never a user or organization already linked to another customer, nor a customer already linked to
 * another user or organization.
 */
async function linkCustomer(tx: Transaction, principal: Principal, session: z.infer<typeof checkoutSession>): Promise<EventOutcome> {
  if (!session.customer) return nothingChanged('checkout session without a customer');
  const reference = session.client_reference_id;
  const customer = reference ? await customerNamedBy(tx, reference) : 'invalid';
  if (customer === 'invalid') {
    return nothingChanged('checkout session without a client_reference_id naming a Roster user or org_<organization id> (customers are never matched by email)');
  }
  if (!customer) throw new PermanentFailure(`Nothing in Roster has the id ${reference} that checkout session ${session.id} names`);
  if (customer.row.stripeCustomerId && customer.row.stripeCustomerId !== session.customer) {
    throw new PermanentFailure(`${describeCustomer(customer)} is already linked to another Stripe customer`);
  }
  const linked = await customerLinkedTo(tx, session.customer);
  if (linked && (linked.kind !== customer.kind || linked.row.id !== customer.row.id)) {
    throw new PermanentFailure(`Stripe customer ${session.customer} is already linked to another ${linked.kind}`);
  }
  await applyBillingChanges(tx, principal, customer, { stripeCustomerId: session.customer }, 'customer.linked');
  return { outcome: 'processed', ...changedCustomer(customer), linkedCustomer: session.customer };
}

async function customerFor(tx: Transaction, stripeCustomerId: string): Promise<Customer> {
  const customer = await customerLinkedTo(tx, stripeCustomerId);
  // Stripe may deliver subscription events before checkout.session.completed links the customer.
  if (!customer) throw new RetryLater(`Stripe customer ${stripeCustomerId} is not linked to a user or organization yet`);
  return customer;
}

function applySubscription(tx: Transaction, principal: Principal, customer: Customer, sub: Subscription, type: string, plans: PlanMap) {
  if (type === 'customer.subscription.deleted') {
    return applyBillingChanges(tx, principal, customer, { plan: 'free', subscriptionStatus: 'canceled' }, 'subscription.updated');
  }
  const price = sub.items.data[0]?.price;
  const plan = price && (plans.get(price.id) ?? (price.product ? plans.get(price.product) : undefined));
  if (!plan) {
    throw new PermanentFailure(`No plan configured for price ${price?.id ?? '(none)'}: add it to ROSTER_STRIPE_PLANS and reprocess`);
  }
  return applyBillingChanges(
    tx,
    principal,
    customer,
    { plan: entitledStatuses.has(sub.status) ? plan : 'free', subscriptionStatus: sub.status },
    'subscription.updated',
  );
}

/** The version key of a subscription's status as last set by invoice.payment_failed (Stripe ids contain no '#'). */
const paymentFailedKey = (subscriptionId: string) => `${subscriptionId}#invoice.payment_failed`;

/**
 * Applies `apply` only if this event is not older than the last one applied to the same Stripe object (nor
 * than the last one applied to `guardedBy`), and never after the object was deleted; either way the object's
 * version moves forward atomically.
 */
async function applyInOrder(
  tx: Transaction,
  event: WebhookEventRow,
  { objectId, guardedBy }: { objectId: string; guardedBy?: string },
  apply: () => Promise<unknown>,
  customer: Customer,
): Promise<EventOutcome> {
  for (const id of guardedBy ? [guardedBy, objectId] : [objectId]) {
    const [last] = await tx.select().from(stripeObjectVersions).where(eq(stripeObjectVersions.objectId, id)).for('update');
    if (last && (last.deleted || isOlder(event, last))) {
      const reason = last.deleted ? `${id} was already deleted` : `a newer event (${last.lastEventId}) was already applied to ${id}`;
      return nothingChanged(reason);
    }
  }
  await apply();
  const version = {
    lastEventCreatedAt: event.stripeCreatedAt,
    lastEventType: event.type,
    lastEventId: event.id,
    deleted: event.type === 'customer.subscription.deleted',
  };
  await tx
    .insert(stripeObjectVersions)
    .values({ objectId, ...version })
    .onConflictDoUpdate({ target: stripeObjectVersions.objectId, set: version });
  return { outcome: 'processed', ...changedCustomer(customer) };
}

/** Whether an event newer than `event` was already applied to `objectId`. */
async function isNewerThan(tx: Transaction, objectId: string, event: WebhookEventRow): Promise<boolean> {
  const [last] = await tx.select().from(stripeObjectVersions).where(eq(stripeObjectVersions.objectId, objectId));
  return last !== undefined && isOlder(event, last);
}

function isOlder(event: WebhookEventRow, last: { lastEventCreatedAt: Date; lastEventType: string }): boolean {
  const byTime = event.stripeCreatedAt.getTime() - last.lastEventCreatedAt.getTime();
  if (byTime !== 0) return byTime < 0;
  return (lifecycleRank[event.type] ?? 1) < (lifecycleRank[last.lastEventType] ?? 1);
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new PermanentFailure(`Unexpected event payload: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}
