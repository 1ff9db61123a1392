import 'server-only';
import { requestFingerprint, runIdempotently, type StoredResponse } from '@/core/idempotency';
import { actorOf } from '@/core/principal';
import type { Handler } from './api-resource';
import { readBodyText } from './json-body';
import { HttpProblem } from './problem';

// draft-ietf-httpapi-idempotency-key-header: the key is a Structured Field string ("…"); a bare token, as many
// clients send it, is accepted too. Escapes are not: no key needs them.
export const quotedKey = /^"([\x20\x21\x23-\x5B\x5D-\x7E]{1,255})"$/;
export const bareKey = /^([\x21-\x7E]{1,255})$/;

/** The request's Idempotency-Key, undefined without one; 400 when it isn't a usable key. */
export function idempotencyKeyFrom(request: Request): string | undefined {
  const header = request.headers.get('idempotency-key');
  if (header === null) return undefined;
  const value = header.trim();
  const key = quotedKey.exec(value)?.[1] ?? (value.startsWith('"') ? undefined : bareKey.exec(value)?.[1]);
  if (!key) {
    throw new HttpProblem(400, 'invalid-idempotency-key', 'Invalid Idempotency-Key', 'Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. "8e03978e-40d5-43e8-bc93-6894a57f9324".');
  }
  return key;
}

/**
 * For a creating POST whose answer carries a secret (a webhook endpoint's signing secret): replaying it would mean
 * keeping the secret, so an Idempotency-Key is refused plainly rather than ignored (a client relying on it would
 * create twice).
 */
export function refuseIdempotencyKey(request: Request): void {
  if (request.headers.has('idempotency-key')) {
    throw new HttpProblem(
      400,
      'idempotency-key-unsupported',
      'Idempotency-Key not supported here',
      'This answer carries a secret that Roster does not keep, so it cannot be replayed. Send the request without Idempotency-Key; after a lost answer, list the endpoints to see whether it was created.',
    );
  }
}

/** Thrown inside the transaction so that a handler's non-2xx answer rolls back and is never stored. */
class NotStored extends Error {
  constructor(readonly response: Response) {
    super('not stored');
  }
}

/**
 * Makes a creating handler idempotent per `Idempotency-Key`: the handler runs in the transaction that stores its
 * response, for 24 hours, under the caller's credential. A retry with the same key and request replays that
 * response (marked `Idempotent-Replayed: true`); the same key with another request is a 422; while the first is
 * still running, 409. Without the header the handler runs as usual.
 */
export function idempotent<Params>(handle: Handler<Params>): Handler<Params> {
  return async (args) => {
    const key = idempotencyKeyFrom(args.request);
    if (key === undefined) return handle(args);
    const { request, ctx } = args;
    const fingerprint = requestFingerprint(request.method, new URL(request.url).pathname, await readBodyText(request.clone()));
    try {
      const { response, replayed } = await runIdempotently(ctx.db, { scope: actorOf(ctx.principal), key, fingerprint }, async (tx) => {
        const response = await handle({ ...args, ctx: { ...ctx, db: tx } });
        if (!response.ok) throw new NotStored(response);
        return toStored(response);
      });
      return fromStored(response, replayed);
    } catch (error) {
      if (error instanceof NotStored) return error.response;
      throw error;
    }
  };
}

async function toStored(response: Response): Promise<StoredResponse> {
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

function fromStored({ status, headers, body }: StoredResponse, replayed: boolean): Response {
  return new Response(status === 204 ? null : body, { status, headers: { ...headers, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) } });
}
