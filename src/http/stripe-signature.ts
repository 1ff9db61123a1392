import 'server-only';
import Stripe from 'stripe';
import { readBodyText } from './json-body';
import { HttpProblem } from './problem';

/**
 * Verifies `Stripe-Signature` over the raw body with the official library (HMAC and timestamp tolerance,
 * default 300 s) and returns the event. No call to Stripe's servers is made.
 */
export async function verifyStripeEvent(request: Request): Promise<Stripe.Event> {
  const secret = process.env.STRIPE_WEBHOOK_SECRET;
  if (!secret) {
    // 503, not 4xx: Stripe keeps retrying, so nothing is lost while the deployment is being configured.
    throw new HttpProblem(503, 'webhook-not-configured', 'Service Unavailable', 'STRIPE_WEBHOOK_SECRET is not set.', { 'Retry-After': '60' });
  }
  const signature = request.headers.get('stripe-signature');
  if (!signature) throw new HttpProblem(400, 'missing-signature', 'Missing signature', 'The Stripe-Signature header is required.');
  const payload = await readBodyText(request);
  try {
    return await Stripe.webhooks.constructEventAsync(payload, signature, secret);
  } catch {
    throw new HttpProblem(400, 'invalid-signature', 'Invalid signature', 'The Stripe-Signature header does not match the body, the secret, or the time window.');
  }
}
