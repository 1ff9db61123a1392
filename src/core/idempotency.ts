import 'server-only';
import { createHash } from 'node:crypto';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { idempotencyKeys } from '@/db/schema';
import { DomainError } from './errors';

// Idempotency keys (draft-ietf-httpapi-idempotency-key-header) for requests that create something: the first
// request with a key runs, and its response is stored in the same transaction as what it created; a retry with
// the same key and the same request gets that response again and creates nothing.

/** How long a key is remembered. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** A response as stored and replayed: status, headers and body, exactly as first sent. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotentRequest {
  /** Whose key it is (`api-key:<id>`, `user:<id>`): the same key from another credential is another key. */
  scope: string;
  key: string;
  /** What was asked (see `requestFingerprint`): the same key may only ever mean the same request. */
  fingerprint: string;
}

/** The key was used before for a different request. */
export class IdempotencyKeyReused extends DomainError {
  readonly code = 'idempotency_key_reused';
  constructor() {
    super('This Idempotency-Key was already used for a different request. Use a new key for a new request.');
  }
}

/** The first request with this key has not finished yet. */
export class IdempotencyKeyInFlight extends DomainError {
  readonly code = 'idempotency_key_in_flight';
  constructor() {
    super('A request with this Idempotency-Key is still being processed. Retry once it has finished.');
  }
}

/** SHA-256 of the method, the path and the payload (JSON compared by value, so key order and spacing don't matter). */
export function requestFingerprint(method: string, path: string, body: string): string {
  let payload = body;
  try {
    payload = JSON.stringify(canonical(JSON.parse(body)));
  } catch {
    // Not JSON: compared byte for byte (the request fails validation anyway and is never stored).
  }
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${payload}`).digest('hex');
}

const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
};

// Keys being processed by this process. Another instance's are seen through the advisory lock below.
const inFlight = new Set<string>();

/**
 * Runs `work` once per key: inside one transaction it checks the key (IdempotencyKeyInFlight while another request
 * holds it, IdempotencyKeyReused for another request), runs `work` with that transaction, and stores its response
 * with what `work` wrote. A replay returns the stored response and runs nothing. When `work` throws, nothing is
 * written and nothing stored: the key stays free, and a retry runs again.
 */
export async function runIdempotently(
  db: Database,
  request: IdempotentRequest,
  work: (tx: Database) => Promise<StoredResponse>,
  { now = () => new Date() }: { now?: () => Date } = {},
): Promise<{ response: StoredResponse; replayed: boolean }> {
  const slot = `${request.scope}\n${request.key}`;
  if (inFlight.has(slot)) throw new IdempotencyKeyInFlight();
  inFlight.add(slot);
  try {
    return await db.transaction(async (tx) => {
      // Held until this transaction ends: another instance working on the same key can't take it meanwhile.
      const result = await tx.execute(sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${slot}, 0)) AS locked`);
      if (!(result as unknown as { rows: { locked: boolean }[] }).rows[0]?.locked) throw new IdempotencyKeyInFlight();

      const match = and(eq(idempotencyKeys.scope, request.scope), eq(idempotencyKeys.key, request.key));
      const [stored] = await tx.select().from(idempotencyKeys).where(and(match, gt(idempotencyKeys.expiresAt, now())));
      if (stored) {
        if (stored.fingerprint !== request.fingerprint) throw new IdempotencyKeyReused();
        return { response: { status: stored.status, headers: stored.headers, body: stored.body }, replayed: true };
      }
      await tx.delete(idempotencyKeys).where(and(match, lte(idempotencyKeys.expiresAt, now())));

      const response = await work(tx);
      const createdAt = now();
      await tx.insert(idempotencyKeys).values({
        ...request,
        ...response,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + IDEMPOTENCY_KEY_TTL_MS),
      });
      return { response, replayed: false };
    });
  } finally {
    inFlight.delete(slot);
  }
}

/** Forgets keys past their 24 hours; returns how many. */
export async function purgeExpiredIdempotencyKeys(db: Database, now = new Date()): Promise<number> {
  return (await db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now)).returning({ key: idempotencyKeys.key })).length;
}
