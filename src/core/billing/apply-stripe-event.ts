import 'server-only';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Transaction } from '@/db/client';
import { stripeObjectVersions, users, type UserRow, type WebhookEventRow } from '@/db/schema';
import type { Principal } from '../principal';
import { applyUserChanges } from '../users/commands';
import { isUuid } from '../validation';
import { PermanentFailure, RetryLater } from '../webhooks/errors';
import type { PlanMap } from './plans';
import { checkoutSession, invoice, subscription, type Subscription } from './stripe-objects';

export type EventOutcome = {
  outcome: 'processed' | 'ignored';
  userIds: string[];
  reason?: string;
  /** A checkout linked this Stripe customer to a user: events that were waiting for that link can apply now. */
  linkedCustomer?: string;
};

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
      const user = await userForCustomer(tx, sub.customer);
      const apply = async () => {
        // A newer invoice.payment_failed already set the status; this older snapshot still brings the current price.
        const failedSince = event.type !== 'customer.subscription.deleted' && (await isNewerThan(tx, paymentFailedKey(sub.id), event));
        return applySubscription(tx, principal, user, failedSince ? { ...sub, status: 'past_due' } : sub, event.type, plans);
      };
      return applyInOrder(tx, event, { objectId: sub.id }, apply, user);
    }
    case 'invoice.payment_failed': {
      const failed = parse(invoice, object);
      const subscriptionId = failed.parent?.subscription_details?.subscription ?? failed.subscription;
      if (!subscriptionId) return { outcome: 'ignored', userIds: [], reason: 'invoice without a subscription' };
      const user = await userForCustomer(tx, failed.customer);
      // It carries the status only, so it is versioned apart: it must not make an older subscription event (which
      // carries the price) stale, yet it is stale itself once a newer subscription event, or the deletion, applied.
      const apply = () => applyUserChanges(tx, principal, user, { subscriptionStatus: 'past_due' }, 'subscription.updated');
      return applyInOrder(tx, event, { objectId: paymentFailedKey(subscriptionId), guardedBy: subscriptionId }, apply, user);
    }
    default:
      return { outcome: 'ignored', userIds: [], reason: `event type ${event.type} is not handled` };
  }
}

/**
 * Links the checkout's Stripe customer to the user the product named in `client_reference_id`, and to nobody else:
 * never by the email typed at checkout (anyone can type anyone's address), and never a user already linked to
 * another customer, nor a customer already linked to another user.
 */
async function linkCustomer(tx: Transaction, principal: Principal, session: z.infer<typeof checkoutSession>): Promise<EventOutcome> {
  if (!session.customer) return { outcome: 'ignored', userIds: [], reason: 'checkout session without a customer' };
  const userId = session.client_reference_id;
  if (!userId || !isUuid(userId)) {
    return { outcome: 'ignored', userIds: [], reason: 'checkout session without a client_reference_id naming a Roster user (customers are never matched by email)' };
  }
  const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
  if (!user) throw new PermanentFailure(`No user has the id ${userId} that checkout session ${session.id} names`);
  if (user.stripeCustomerId && user.stripeCustomerId !== session.customer) {
    throw new PermanentFailure(`User ${user.id} is already linked to another Stripe customer`);
  }
  const [owner] = await tx.select({ id: users.id }).from(users).where(eq(users.stripeCustomerId, session.customer));
  if (owner && owner.id !== user.id) {
    throw new PermanentFailure(`Stripe customer ${session.customer} is already linked to another user`);
  }
  await applyUserChanges(tx, principal, user, { stripeCustomerId: session.customer }, 'customer.linked');
  return { outcome: 'processed', userIds: [user.id], linkedCustomer: session.customer };
}

async function userForCustomer(tx: Transaction, customerId: string): Promise<UserRow> {
  const [user] = await tx.select().from(users).where(eq(users.stripeCustomerId, customerId)).for('update');
  // Stripe may deliver subscription events before checkout.session.completed links the customer.
  if (!user) throw new RetryLater(`Stripe customer ${customerId} is not linked to a user yet`);
  return user;
}

function applySubscription(tx: Transaction, principal: Principal, user: UserRow, sub: Subscription, type: string, plans: PlanMap) {
  if (type === 'customer.subscription.deleted') {
    return applyUserChanges(tx, principal, user, { plan: 'free', subscriptionStatus: 'canceled' }, 'subscription.updated');
  }
  const price = sub.items.data[0]?.price;
  const plan = price && (plans.get(price.id) ?? (price.product ? plans.get(price.product) : undefined));
  if (!plan) {
    throw new PermanentFailure(`No plan configured for price ${price?.id ?? '(none)'}: add it to ROSTER_STRIPE_PLANS and reprocess`);
  }
  return applyUserChanges(
    tx,
    principal,
    user,
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
  user: UserRow,
): Promise<EventOutcome> {
  for (const id of guardedBy ? [guardedBy, objectId] : [objectId]) {
    const [last] = await tx.select().from(stripeObjectVersions).where(eq(stripeObjectVersions.objectId, id)).for('update');
    if (last && (last.deleted || isOlder(event, last))) {
      const reason = last.deleted ? `${id} was already deleted` : `a newer event (${last.lastEventId}) was already applied to ${id}`;
      return { outcome: 'ignored', userIds: [], reason };
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
  return { outcome: 'processed', userIds: [user.id] };
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
