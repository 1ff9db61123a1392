import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

const SECRET_PREFIX = 'rst_';

/** 256 random bits: too many to guess, so a fast hash is the right way to store them (as GitHub and Stripe do). */
export function newApiKeySecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

export const hashApiKeySecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export const looksLikeApiKey = (token: string) => token.startsWith(SECRET_PREFIX);

/** What the console shows to tell keys apart: the prefix and a few characters, useless to an attacker. */
export const displayPrefix = (secret: string) => secret.slice(0, SECRET_PREFIX.length + 6);

/** A secret as newApiKeySecret makes it, and its display prefix, as the API publishes them. */
export const apiKeySecret = z.string().max(47).regex(/^rst_[A-Za-z0-9_-]{43}$/);
export const apiKeyPrefix = z.string().max(10).regex(/^rst_[A-Za-z0-9_-]{6}$/);
