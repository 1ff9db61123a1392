import { randomBytes } from 'node:crypto';

// Stripe event payloads shaped like the real ones (API version 2025-09-30), trimmed to a realistic subset
// of fields. Ids are random, so every call is a distinct event unless an id is passed.

export const API_VERSION = '2025-09-30.clover';

const stripeId = (prefix: string) => `${prefix}_test_${randomBytes(10).toString('hex')}`;
export const newEventId = () => stripeId('evt');
export const newCustomerId = () => stripeId('cus');
export const newSubscriptionId = () => stripeId('sub');

/** Unix seconds, the unit of Stripe's `created`. */
export const unixSeconds = (date = new Date()) => Math.floor(date.getTime() / 1000);

export interface StripeEventPayload {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export function stripeEvent(type: string, object: Record<string, unknown>, { id = newEventId(), created = unixSeconds() } = {}): StripeEventPayload {
  return {
    id,
    object: 'event',
    api_version: API_VERSION,
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

export interface CheckoutOptions {
  customer: string | { id: string; object: 'customer' };
  clientReferenceId?: string | null;
  email?: string | null;
  subscription?: string;
  created?: number;
  id?: string;
}

export function checkoutSessionCompleted({ customer, clientReferenceId = null, email = null, subscription = newSubscriptionId(), created, id }: CheckoutOptions) {
  const session = {
    id: stripeId('cs'),
    object: 'checkout.session',
    amount_subtotal: 2000,
    amount_total: 2000,
    client_reference_id: clientReferenceId,
    created: created ?? unixSeconds(),
    currency: 'usd',
    customer,
    customer_creation: 'always',
    customer_details: email === null ? null : { address: null, email, name: 'Zoë Customer', phone: null, tax_exempt: 'none', tax_ids: [] },
    customer_email: null,
    livemode: false,
    metadata: {},
    mode: 'subscription',
    payment_status: 'paid',
    status: 'complete',
    subscription,
    success_url: 'https://roster.example.com/billing/success',
    url: null,
  };
  return stripeEvent('checkout.session.completed', session, { id, created });
}

export interface SubscriptionOptions {
  subscription: string;
  customer: string | { id: string; object: 'customer' };
  status?: string;
  price?: string;
  /** The product the price belongs to; `expandProduct` sends it as an expanded object. */
  product?: string;
  expandProduct?: boolean;
  created?: number;
  id?: string;
}

export type SubscriptionEventType = 'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted';

export function subscriptionEvent(
  type: SubscriptionEventType,
  { subscription, customer, status = 'active', price = 'price_pro', product = `prod_for_${price}`, expandProduct = false, created, id }: SubscriptionOptions,
) {
  const now = created ?? unixSeconds();
  const sub = {
    id: subscription,
    object: 'subscription',
    billing_cycle_anchor: now,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: type === 'customer.subscription.deleted' ? now : null,
    collection_method: 'charge_automatically',
    created: now - 60,
    currency: 'usd',
    customer,
    ended_at: type === 'customer.subscription.deleted' ? now : null,
    items: {
      object: 'list',
      data: [
        {
          id: stripeId('si'),
          object: 'subscription_item',
          current_period_end: now + 30 * 86_400,
          current_period_start: now,
          price: {
            id: price,
            object: 'price',
            active: true,
            currency: 'usd',
            product: expandProduct ? { id: product, object: 'product', name: 'Roster plan' } : product,
            recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
            type: 'recurring',
            unit_amount: 2000,
          },
          quantity: 1,
          subscription,
        },
      ],
      has_more: false,
      total_count: 1,
      url: `/v1/subscription_items?subscription=${subscription}`,
    },
    latest_invoice: stripeId('in'),
    livemode: false,
    metadata: {},
    start_date: now - 60,
    status,
  };
  return stripeEvent(type, sub, { id, created });
}

export interface InvoiceOptions {
  subscription: string;
  customer: string;
  /** Older API versions carried the subscription at the top level rather than under `parent`. */
  legacy?: boolean;
  created?: number;
  id?: string;
}

export function invoicePaymentFailed({ subscription, customer, legacy = false, created, id }: InvoiceOptions) {
  const now = created ?? unixSeconds();
  const invoice: Record<string, unknown> = {
    id: stripeId('in'),
    object: 'invoice',
    amount_due: 2000,
    amount_paid: 0,
    amount_remaining: 2000,
    attempt_count: 1,
    attempted: true,
    billing_reason: 'subscription_cycle',
    collection_method: 'charge_automatically',
    created: now,
    currency: 'usd',
    customer,
    customer_email: 'billing@example.com',
    livemode: false,
    next_payment_attempt: now + 3 * 86_400,
    status: 'open',
    ...(legacy
      ? { subscription }
      : { parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: {}, subscription } } }),
  };
  return stripeEvent('invoice.payment_failed', invoice, { id, created });
}
