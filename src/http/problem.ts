import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isDatabaseUnavailable } from '@/core/db-errors';
import { IdempotencyKeyInFlight, IdempotencyKeyReused } from '@/core/idempotency';
import {
  Conflict,
  DomainError,
  Forbidden,
  NotFound,
  PreconditionFailed,
  PreconditionRequired,
  SignUpClosed,
  TooManyRequests,
  Unauthenticated,
  Unavailable,
  ValidationFailed,
  type FieldIssue,
} from '@/core/errors';
import { int32, uuid } from '@/core/bounds';
import { logger } from '@/lib/logger';
import { etagFor } from './etag';
import { rateLimitHeaders } from './rate-limit-headers';
import { noStoreFor } from './small-responses';

// A problem's text can echo what the client sent (a path, a field's name): it is cut to these lengths, and
// `errors` to its first ERRORS_MAX entries, so an answer never grows with a hostile request.
const TEXT_MAX = 2_000;
const FIELD_TEXT_MAX = 500;
const ERRORS_MAX = 100;

/** RFC 9457 problem details: every error any door under /api answers with. */
export const problemSchema = z.object({
  type: z
    .string()
    .max(200)
    .regex(/^urn:roster:problem:[a-z0-9-]+$/),
  title: z.string().max(200),
  status: int32(400, 599),
  detail: z.string().max(TEXT_MAX).optional(),
  /** The request's path. */
  instance: z.string().max(TEXT_MAX).optional(),
  /** One entry per field (`pointer`, RFC 6901, into the body) or query parameter (`parameter`) at fault. */
  errors: z
    .array(z.object({ pointer: z.string().max(FIELD_TEXT_MAX).optional(), parameter: z.string().max(FIELD_TEXT_MAX).optional(), detail: z.string().max(FIELD_TEXT_MAX) }))
    .max(ERRORS_MAX)
    .optional(),
  /** For 500s: find the error in the server's log by this id. */
  traceId: uuid().optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** A failure the HTTP adapter itself detects (malformed JSON, wrong content type, body too large, ...). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** `problem` within the schema's limits. */
function bounded({ detail, instance, errors, ...rest }: Problem): Problem {
  return {
    ...rest,
    ...(detail === undefined ? {} : { detail: cut(detail, TEXT_MAX) }),
    ...(instance === undefined ? {} : { instance: cut(instance, TEXT_MAX) }),
    ...(errors === undefined
      ? {}
      : {
          errors: errors.slice(0, ERRORS_MAX).map(({ pointer, parameter, detail: why }) => ({
            ...(pointer === undefined ? {} : { pointer: cut(pointer, FIELD_TEXT_MAX) }),
            ...(parameter === undefined ? {} : { parameter: cut(parameter, FIELD_TEXT_MAX) }),
            detail: cut(why, FIELD_TEXT_MAX),
          })),
        }),
  };
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  const body = JSON.stringify(bounded(problem));
  return new Response(body, {
    status: problem.status,
    headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': noStoreFor(body), ...headers },
  });
}

const problemType = (slug: string) => `urn:roster:problem:${slug}`;

/** RFC 6901 pointer into the request body: ['tags', 0] -> /tags/0 */
const toPointer = (path: FieldIssue['path']) =>
  path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** The one mapper from any thrown error to a problem+json response. Unknown errors never leak their message. */
export function errorToResponse(error: unknown, request: Request): Response {
  const instance = new URL(request.url).pathname;
  const respond = (status: number, slug: string, title: string, extra: Partial<Problem> = {}, headers = {}) =>
    problemResponse({ type: problemType(slug), title, status, instance, ...extra }, headers);

  if (error instanceof HttpProblem) {
    return respond(error.status, error.slug, error.title, error.detail ? { detail: error.detail } : {}, error.headers);
  }
  if (error instanceof DomainError) return domainErrorToResponse(error, respond);
  if (isDatabaseUnavailable(error)) {
    logger.warn({ err: error, path: instance }, 'database unavailable');
    return respond(503, 'unavailable', 'Service Unavailable', { detail: 'The database is unavailable; retry shortly.' }, { 'Retry-After': '5' });
  }

  const traceId = randomUUID();
  logger.error({ err: error, traceId, method: request.method, path: instance }, 'unhandled error in route handler');
  return respond(500, 'internal', 'Internal Server Error', { detail: 'An unexpected error occurred.', traceId });
}

type Respond = (status: number, slug: string, title: string, extra?: Partial<Problem>, headers?: Record<string, string>) => Response;

function domainErrorToResponse(error: DomainError, respond: Respond): Response {
  if (error instanceof ValidationFailed) {
    const errors = error.issues.map((issue) =>
      error.source === 'query'
        ? { parameter: issue.path.join('.'), detail: issue.message }
        : { pointer: toPointer(issue.path), detail: issue.message },
    );
    return error.source === 'query'
      ? respond(400, 'invalid-query', 'Invalid query parameters', { errors })
      : respond(422, 'validation-failed', 'Validation failed', { detail: 'One or more fields are invalid.', errors });
  }
  if (error instanceof NotFound) return respond(404, 'not-found', 'Not Found', { detail: error.message });
  if (error instanceof Conflict) {
    return respond(409, 'conflict', 'Conflict', {
      detail: error.message,
      ...(error.field ? { errors: [{ pointer: `/${error.field}`, detail: error.message }] } : {}),
    });
  }
  // The current ETag comes along, so the client need not read the resource again to learn it.
  const current = (version?: number): Record<string, string> => (version === undefined ? {} : { ETag: etagFor(version) });
  if (error instanceof PreconditionFailed) return respond(412, 'precondition-failed', 'Precondition Failed', { detail: error.message }, current(error.currentVersion));
  if (error instanceof PreconditionRequired) {
    return respond(
      428,
      'precondition-required',
      'Precondition Required',
      { detail: `Send If-Match with the ETag you last read: this server refuses changes that do not name the version they change. The ${error.resource}'s current ETag is in this response.` },
      current(error.currentVersion),
    );
  }
  if (error instanceof Unauthenticated) {
    // RFC 6750: a bare challenge when no credentials came, `invalid_token` when they were bad.
    const challenge = error.invalidCredentials ? 'Bearer error="invalid_token"' : 'Bearer';
    return respond(401, 'unauthenticated', 'Unauthorized', { detail: error.message }, { 'WWW-Authenticate': challenge });
  }
  if (error instanceof SignUpClosed) return respond(403, 'sign-up-closed', 'Sign-up closed', { detail: error.message });
  if (error instanceof Forbidden) return respond(403, 'forbidden', 'Forbidden', { detail: error.message });
  if (error instanceof IdempotencyKeyReused) return respond(422, 'idempotency-key-reused', 'Idempotency-Key reused', { detail: error.message });
  if (error instanceof IdempotencyKeyInFlight) {
    return respond(409, 'idempotency-key-in-flight', 'Request in progress', { detail: error.message }, { 'Retry-After': '1' });
  }
  if (error instanceof TooManyRequests) {
    return respond(
      429,
      'too-many-requests',
      'Too Many Requests',
      { detail: `${error.message} Retry in ${error.retryAfterSeconds} seconds.` },
      { 'Retry-After': String(error.retryAfterSeconds), ...(error.quota ? rateLimitHeaders(error.quota) : {}) },
    );
  }
  if (error instanceof Unavailable) return respond(503, 'unavailable', 'Service Unavailable', { detail: error.message }, { 'Retry-After': '5' });
  return respond(500, 'internal', 'Internal Server Error');
}
