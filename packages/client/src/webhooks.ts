import { Webhook } from 'standardwebhooks';
import type { RosterEvent } from './events.js';

export { WebhookVerificationError } from 'standardwebhooks';

/** A request's headers: a Fetch `Headers`, or Node's `IncomingHttpHeaders`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function plainHeaders(headers: WebhookHeaders): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const plain: Record<string, string> = {};
  for (const [name, value] of entries) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) plain[name.toLowerCase()] = first;
  }
  return plain;
}

/**
 * The event an outgoing webhook from Roster carries, once its Standard Webhooks signature (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`) checks out against the endpoint's `whsec_…` secret and its timestamp is
 * within five minutes. Throws WebhookVerificationError otherwise. Pass the body exactly as received (not re-serialized).
 * During a secret rotation Roster signs with both secrets, so either one verifies.
 */
export function verifyWebhook(secret: string, body: string, headers: WebhookHeaders): RosterEvent {
  return new Webhook(secret).verify(body, plainHeaders(headers)) as RosterEvent;
}
