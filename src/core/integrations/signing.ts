import 'server-only';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';

/** A Standard Webhooks signing secret: `whsec_` and the base64 of 32 random bytes. */
export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** A signing secret as newSigningSecret makes it, as the API shows it once. */
export const signingSecret = z.string().max(50).regex(/^whsec_[A-Za-z0-9+/]{43}=$/);

/** After a rotation the old secret keeps signing, next to the new one, this long. */
export const rotationOverlapMs = 24 * 60 * 60 * 1000;

/**
 * How signing secrets are stored: encrypted, so a leaked database dump holds no usable one. A port: the key comes
 * from Roster's auth secret, which the core never reads; the doors build the box (src/auth/webhook-secret-box.ts).
 */
export interface SecretBox {
  encrypt(secret: string): Promise<string>;
  decrypt(encrypted: string): Promise<string>;
}

/**
 * The Standard Webhooks headers for one attempt: `webhook-id` (the event's, the same on every retry), the attempt's
 * `webhook-timestamp`, and `webhook-signature` with one `v1,<base64 HMAC-SHA256 of id.timestamp.body>` per secret
 * (space-separated, the newest first), signed by the spec's own library.
 */
export function signatureHeaders(eventId: string, at: Date, body: string, secrets: string[]): Record<string, string> {
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(eventId, at, body)).join(' '),
  };
}
