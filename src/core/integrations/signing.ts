import 'server-only';
import { hkdfSync, randomBytes } from 'node:crypto';
import { symmetricDecrypt, symmetricEncrypt } from 'better-auth/crypto';
import { Webhook } from 'standardwebhooks';
import { authSecret } from '@/auth/secret';
import { databaseConfigFromEnv } from '@/db/client';

/** A Standard Webhooks signing secret: `whsec_` and the base64 of 32 random bytes. */
export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** After a rotation the old secret keeps signing, next to the new one, this long. */
export const rotationOverlapMs = 24 * 60 * 60 * 1000;

// Secrets are stored encrypted with a key derived from the auth secret for this purpose alone, so a leaked database
// dump holds no usable signing secret and no other use of the auth secret shares this key.
let encryptionKey: string | undefined;
const key = () => (encryptionKey ??= Buffer.from(hkdfSync('sha256', authSecret(databaseConfigFromEnv()), '', 'roster webhook signing secrets', 32)).toString('base64'));

export const encryptSecret = (secret: string) => symmetricEncrypt({ key: key(), data: secret });
export const decryptSecret = (encrypted: string) => symmetricDecrypt({ key: key(), data: encrypted });

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
