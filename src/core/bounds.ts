import 'server-only';
import { z } from 'zod';

// The bounds of values the API takes and gives, in the schemas both the validation and the OpenAPI document come
// from (issue 29: an outside linter, Spectral with the OWASP ruleset, checks the document): every string has a
// length limit, every integer a format and a range, every array a size limit. Building blocks for those schemas.

export const INT32_MAX = 2_147_483_647;

/** A whole number within `min`..`max`, published as `int32`. */
export const int32 = (min: number, max = INT32_MAX) => z.int().min(min).max(max).meta({ format: 'int32' });

/** An id: every row's is a UUID. */
export const uuid = (params?: Parameters<typeof z.uuid>[0]) => z.uuid(params).max(36);

/** A moment as `Date.prototype.toISOString()` writes it (24 characters until year 10000). */
export const isoDateTime = () => z.iso.datetime().max(30);

/** An email address as stored: trimmed, lower-case, at most 254 characters (RFC 5321's path limit). */
export const storedEmail = () => z.email().max(254);

/** A `nextCursor`: the opaque token a keyset page hands back (its `cursor` parameter takes at most 200 characters). */
export const nextCursor = () =>
  z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_.-]+$/)
    .nullable();

/** Lists that have no pages (a caller's keys, endpoints, invitations, organizations) stop at this many items. */
export const UNPAGED_LIST_MAX = 500;

/**
 * Whether PostgreSQL can store this text as it is: a NUL fails a text column and jsonb alike, and jsonb refuses an
 * unpaired surrogate (a text column would silently replace it).
 */
export const isStorableText = (value: string): boolean => !value.includes('\u0000') && value.isWellFormed();

/** Whether every string of a JSON value, keys included, is storable text (what a jsonb column can take). */
export function isStorableJson(value: unknown): boolean {
  if (typeof value === 'string') return isStorableText(value);
  if (Array.isArray(value)) return value.every(isStorableJson);
  if (value !== null && typeof value === 'object') return Object.entries(value).every(([key, item]) => isStorableText(key) && isStorableJson(item));
  return true;
}

/** A JSON value with every NUL and unpaired surrogate replaced by U+FFFD, so a jsonb column takes it. */
export function toStorableJson(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD').toWellFormed();
  if (Array.isArray(value)) return value.map(toStorableJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [toStorableJson(key), toStorableJson(item)]));
  return value;
}
