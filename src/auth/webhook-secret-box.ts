import 'server-only';
import { hkdfSync } from 'node:crypto';
import { symmetricDecrypt, symmetricEncrypt } from 'better-auth/crypto';
import type { SecretBox } from '@/core/integrations';
import { databaseConfigFromEnv } from '@/db/client';
import { authSecret } from './secret';

/**
 * Webhook signing secrets are encrypted with a key derived from the auth secret for this purpose alone, so no other
 * use of the auth secret shares it. The derivation is the one stored secrets were written with: keep it.
 */
export function secretBoxFor(secret: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', secret, '', 'roster webhook signing secrets', 32)).toString('base64');
  return {
    encrypt: (data) => symmetricEncrypt({ key, data }),
    decrypt: (data) => symmetricDecrypt({ key, data }),
  };
}

// Made once per process: an in-memory database's auth secret is random per call (src/auth/secret.ts).
let processBox: SecretBox | undefined;

/** The process's box, from the configured auth secret: what every door hands the core. */
export const webhookSecretBox = (): SecretBox => (processBox ??= secretBoxFor(authSecret(databaseConfigFromEnv())));
