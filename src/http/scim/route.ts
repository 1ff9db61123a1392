import 'server-only';
import { randomUUID } from 'node:crypto';
import { isDatabaseUnavailable } from '@/core/db-errors';
import { Conflict, Forbidden, NotFound, PreconditionFailed, TooManyRequests, Unauthenticated, Unavailable, ValidationFailed, type RateLimitQuota } from '@/core/errors';
import { authenticateScimToken, type ScimScope } from '@/core/scim/auth';
import { ScimError, scimErrorBody } from '@/core/scim/errors';
import { recordScimRequest, redactedPath, summarizeScimRequest } from '@/core/scim/journal';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { logger } from '@/lib/logger';
import { consumeQuota } from '@/rate-limit/quota';
import { afterResponse } from '../after-response';
import { readBodyText } from '../json-body';
import { HttpProblem } from '../problem';
import { rateLimitHeaders } from '../rate-limit-headers';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** A successful SCIM answer: `application/scim+json`, never cached. */
export function scimJson(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...init.headers },
  });
}

/** What a SCIM route handler receives besides the request and its scope. */
export interface ScimContext<Params> {
  params: Params;
  /**
   * The request's JSON body, already read (the request's own body stream is consumed): parsed for POST, PUT and
   * PATCH, undefined for the other methods.
   */
  body: unknown;
}
export type ScimRouteHandler<Params> = (request: Request, scope: ScimScope, context: ScimContext<Params>) => Promise<Response>;
type NextRouteHandler<Params> = (request: Request, context: { params: Promise<Params> }) => Promise<Response>;

const methodsWithBody = new Set(['POST', 'PUT', 'PATCH']);
const acceptedMediaTypes = new Set([SCIM_CONTENT_TYPE, 'application/json']);

/**
 * A Route Handler under /api/scim/v2: authenticates the connection token (401 and `WWW-Authenticate: Bearer`
 * without one), spends the connection's request budget (the API's, 429 once spent), reads a JSON body sent as
 * `application/scim+json` or `application/json` (415 otherwise, 413 past 1 MB, 400 `invalidSyntax` when it does not
 * parse), maps every error to the SCIM error schema (never a 5xx for bad input), and writes one journal row per
 * authenticated request: method, path, a summary of the operations with values left out, status, scimType, latency.
 */
export function scimHandler<Params = Record<string, never>>(handler: ScimRouteHandler<Params>): NextRouteHandler<Params> {
  return async (request, context) => {
    const started = performance.now();
    let db: Database | undefined;
    let scope: ScimScope | null = null;
    let body: unknown;
    let quota: RateLimitQuota | undefined;
    let answer: { response: Response; scimType: string | null };
    try {
      db = (await getDatabase()).db;
      scope = await authenticateScimToken(db, request.headers.get('authorization'));
      if (!scope) throw new Unauthenticated('Send the connection token as `Authorization: Bearer <token>`; it may be unknown, rotated out or revoked.');
      quota = await consumeQuota('api', `scim-connection:${scope.connectionId}`);
      body = methodsWithBody.has(request.method) ? await readScimBody(request) : undefined;
      answer = { response: await handler(request, scope, { params: await context.params, body }), scimType: null };
    } catch (error) {
      answer = scimErrorResponse(error, request);
    }
    const { response, scimType } = answer;
    if (quota) for (const [name, value] of Object.entries(rateLimitHeaders(quota))) response.headers.set(name, value);
    // The journal row is written once the answer is sent: the identity provider does not wait for a diagnostic.
    // A crash between the answer and the write loses that one row (see docs/scim.md, "The request journal").
    if (db && scope) {
      const [journaledDb, journaledScope, latencyMs] = [db, scope, performance.now() - started];
      await afterResponse(() => journal(journaledDb, journaledScope, request, body, response.status, scimType, latencyMs));
    }
    return response;
  };
}

async function journal(db: Database, scope: ScimScope, request: Request, body: unknown, status: number, scimType: string | null, latencyMs: number) {
  const url = new URL(request.url);
  try {
    await recordScimRequest(db, {
      connectionId: scope.connectionId,
      method: request.method,
      path: redactedPath(url),
      summary: summarizeScimRequest(request.method, url, body),
      status,
      scimType,
      latencyMs,
    });
  } catch (error) {
    // The journal is a diagnostic aid: losing a row must not fail the request it describes.
    logger.warn({ err: error, connectionId: scope.connectionId }, 'could not write the SCIM request journal');
  }
}

async function readScimBody(request: Request): Promise<unknown> {
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!acceptedMediaTypes.has(mediaType)) throw new ScimError(415, undefined, 'Send the body as application/scim+json or application/json.');
  const text = await readBodyText(request);
  try {
    return JSON.parse(text);
  } catch {
    throw new ScimError(400, 'invalidSyntax', 'The request body is not valid JSON.');
  }
}

/** Any thrown error as a SCIM error response (RFC 7644 §3.12); unknown errors are logged and never described. */
export function scimErrorResponse(error: unknown, request: Request): { response: Response; scimType: string | null } {
  const respond = (scimError: ScimError, headers: Record<string, string> = {}) => ({
    response: scimJson(scimErrorBody(scimError), { status: scimError.status, headers }),
    scimType: scimError.scimType ?? null,
  });
  if (error instanceof ScimError) return respond(error);
  if (error instanceof HttpProblem) return respond(new ScimError(error.status, undefined, error.detail ?? error.title));
  if (error instanceof ValidationFailed) {
    const detail = error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
    return respond(new ScimError(400, 'invalidValue', detail || 'The request is invalid.'));
  }
  if (error instanceof NotFound) return respond(new ScimError(404, undefined, error.message));
  if (error instanceof Conflict) return respond(new ScimError(409, 'uniqueness', error.message));
  if (error instanceof PreconditionFailed) return respond(new ScimError(412, undefined, error.message));
  if (error instanceof Unauthenticated) return respond(new ScimError(401, undefined, error.message), { 'WWW-Authenticate': 'Bearer' });
  if (error instanceof Forbidden) return respond(new ScimError(403, undefined, error.message));
  if (error instanceof TooManyRequests) {
    return respond(new ScimError(429, undefined, `${error.message} Retry in ${error.retryAfterSeconds} seconds.`), {
      'Retry-After': String(error.retryAfterSeconds),
      ...(error.quota ? rateLimitHeaders(error.quota) : {}),
    });
  }
  if (error instanceof Unavailable || isDatabaseUnavailable(error)) {
    return respond(new ScimError(503, undefined, 'The service is unavailable; retry shortly.'), { 'Retry-After': '5' });
  }
  const traceId = randomUUID();
  logger.error({ err: error, traceId, method: request.method, path: new URL(request.url).pathname }, 'unhandled error in SCIM route handler');
  return respond(new ScimError(500, undefined, `An unexpected error occurred (trace ${traceId}).`));
}
