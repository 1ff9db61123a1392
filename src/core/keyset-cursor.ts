import 'server-only';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ValidationFailed } from './errors';

/** A position in a (created_at DESC, id DESC) list: users, webhook deliveries. */
export interface KeysetCursor {
  createdAt: Date;
  id: string;
}

// Up to the end of year 9999: past it toISOString() yields `+010000-…`, which the keyset query's ::timestamptz cast
// rejects, and past 8.64e15 there is no Date at all. A forged cursor out there must be a 400, not a 500.
export const MAX_CURSOR_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const payload = z.tuple([z.number().int().nonnegative().max(MAX_CURSOR_MS), z.uuid()]);

// The checksum makes a mangled cursor a clear 400 instead of a silent jump. A cursor grants nothing
// (every filter is re-applied on each page), so integrity is all it needs, not secrecy.
const checksum = (body: string) => createHash('sha256').update(body).digest('base64url').slice(0, 11);

/** A JSON value as an opaque cursor token with a checksum. */
export function sealCursor(value: unknown): string {
  const body = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${body}.${checksum(body)}`;
}

/** The value a sealCursor token holds, checked against `schema`; anything else is a 400 (ValidationFailed). */
export function openCursor<T>(token: string, schema: z.ZodType<T>): T {
  const invalid = new ValidationFailed([{ path: ['cursor'], message: 'Invalid cursor' }], 'query');
  const [body, sum, ...rest] = token.split('.');
  if (!body || !sum || rest.length > 0 || checksum(body) !== sum) throw invalid;
  try {
    return schema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch {
    throw invalid;
  }
}

export function encodeCursor(cursor: KeysetCursor): string {
  return sealCursor([cursor.createdAt.getTime(), cursor.id]);
}

export function decodeCursor(token: string): KeysetCursor {
  const [createdAtMs, id] = openCursor(token, payload);
  return { createdAt: new Date(createdAtMs), id };
}
