import 'server-only';
import { createHash, randomBytes } from 'node:crypto';

/**
 * The secret in an emailed link (invitation, password reset, verification, change of email): 256 random bits,
 * so a fast hash is the right way to store it. Only the hash is kept; the token itself lives in the email.
 */
export const newLinkToken = () => randomBytes(32).toString('base64url');

export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Whether `token` could be one of ours at all: tampered or truncated links are refused before any lookup. */
export const isWellFormedLinkToken = (token: unknown): token is string => typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);
