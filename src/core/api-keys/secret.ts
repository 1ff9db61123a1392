import 'server-only';
import { createHash, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'rst_';

/** 256 random bits: too many to guess, so a fast hash is the right way to store them (as GitHub and Stripe do). */
export function newApiKeySecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

export const hashApiKeySecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export const looksLikeApiKey = (token: string) => token.startsWith(SECRET_PREFIX);

/** What the console shows to tell keys apart: the prefix and a few characters, useless to an attacker. */
export const displayPrefix = (secret: string) => secret.slice(0, SECRET_PREFIX.length + 6);
