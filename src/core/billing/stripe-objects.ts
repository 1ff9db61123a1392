import 'server-only';
import { z } from 'zod';
import { SUBSCRIPTION_STATUS_MAX } from '../users/schemas';

// The few fields Roster reads from Stripe's event objects, validated rather than trusted: a verified
// signature says who sent the event, not that its shape is what we expect.

const stripeId = z.string().min(1).max(255);
/** Expandable references arrive as an id or as the expanded object. */
const reference = z.union([stripeId, z.object({ id: stripeId }).transform((object) => object.id)]);

export const checkoutSession = z.object({
  id: stripeId,
  customer: reference.nullish(),
  client_reference_id: z.string().nullish(),
  customer_email: z.string().nullish(),
  customer_details: z.object({ email: z.string().nullish() }).nullish(),
});

export const subscription = z.object({
  id: stripeId,
  customer: reference,
  status: z.string().min(1).max(SUBSCRIPTION_STATUS_MAX),
  items: z.object({
    data: z.array(z.object({ price: z.object({ id: stripeId, product: reference.nullish() }) })),
  }),
});

export const invoice = z.object({
  id: stripeId,
  customer: reference,
  // Older API versions put the subscription at the top level; newer ones under parent.subscription_details.
  subscription: reference.nullish(),
  parent: z.object({ subscription_details: z.object({ subscription: reference }).nullish() }).nullish(),
});

export type CheckoutSession = z.infer<typeof checkoutSession>;
export type Subscription = z.infer<typeof subscription>;
export type Invoice = z.infer<typeof invoice>;
