import 'server-only';
import type { z } from 'zod';
import { ValidationFailed, type RateLimitQuota } from '@/core/errors';
import { actorOf, type CoreContext } from '@/core/principal';
import { getDatabase } from '@/db';
import { consumeQuota } from '@/rate-limit/quota';
import { apiPrincipal } from './authenticate';
import { corsHeaders, preflightResponse } from './cors';
import { contentEtagFor } from './etag';
import { noneMatchHits } from './preconditions';
import { errorToResponse, problemResponse } from './problem';
import { rateLimitHeaders } from './rate-limit-headers';
import { noStoreFor } from './small-responses';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const methods: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface ApiRequest<Params> {
  request: Request;
  params: Params;
  ctx: CoreContext;
}
export type Handler<Params> = (args: ApiRequest<Params>) => Promise<Response>;
type RouteHandler<Params> = (request: Request, context: { params: Promise<Params> }) => Promise<Response>;

export interface ResourceOptions {
  /**
   * The query each method reads, as the core's schema for it (the one the OpenAPI document shows): any other query
   * parameter is refused with a 400 naming it. A method not listed takes no query parameters at all.
   */
  query?: Partial<Record<Method, z.ZodObject>>;
}

/**
 * Builds every method export of a /api/v1 route: the given handlers run with a core context whose principal
 * comes from the bearer credential (the core decides what it may do), each credential's request budget is spent
 * and announced (RateLimit headers; 429 once spent), query parameters the method does not read are refused (400),
 * a GET's JSON answer carries an ETag and is a 304 when `If-None-Match` already has it, any error becomes
 * problem+json, CORS headers are added, OPTIONS answers preflight, and every other method is a 405 that says which
 * methods exist.
 */
export function apiResource<Params = Record<string, never>>(
  handlers: Partial<Record<Method, Handler<Params>>>,
  { query = {} }: ResourceOptions = {},
): Record<Method | 'OPTIONS', RouteHandler<Params>> {
  const allow = [...methods.filter((method) => handlers[method]), ...(handlers.GET ? ['HEAD'] : []), 'OPTIONS'];

  const wrap = (method: Method, handle: Handler<Params>): RouteHandler<Params> => async (request, context) => {
    let response: Response;
    let quota: RateLimitQuota | undefined;
    try {
      const { db } = await getDatabase();
      const principal = await apiPrincipal(request, db);
      quota = await consumeQuota('api', actorOf(principal));
      refuseUnknownQuery(request, query[method]);
      response = conditional(request, await handle({ request, params: await context.params, ctx: { db, principal } }));
    } catch (error) {
      response = errorToResponse(error, request);
    }
    const headers = { ...(quota ? rateLimitHeaders(quota) : {}), ...corsHeaders(request) };
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  };

  const notAllowed = methodNotAllowed(allow);

  const route = Object.fromEntries(
    methods.map((method) => {
      const handle = handlers[method];
      return [method, handle ? wrap(method, handle) : notAllowed];
    }),
  ) as Record<Method, RouteHandler<Params>>;
  return { ...route, OPTIONS: async (request) => preflightResponse(request, allow) };
}

/** A handler answering 405 problem+json with the `Allow` header listing what the route supports. */
export function methodNotAllowed(allow: readonly string[]) {
  return async (request: Request): Promise<Response> =>
    problemResponse(
      {
        type: 'urn:roster:problem:method-not-allowed',
        title: 'Method Not Allowed',
        status: 405,
        detail: `${request.method} is not supported here; use ${allow.join(', ')}.`,
        instance: new URL(request.url).pathname,
      },
      { Allow: allow.join(', '), ...corsHeaders(request) },
    );
}

/** A 400 naming every query parameter that `schema` (none when absent) does not take, as unknown body fields are refused. */
export function refuseUnknownQuery(request: Request, schema: z.ZodObject | undefined): void {
  const { searchParams } = new URL(request.url);
  if (searchParams.size === 0) return;
  const unknown = [...new Set(searchParams.keys())].filter((name) => !schema || !Object.hasOwn(schema.shape, name));
  if (unknown.length > 0) throw new ValidationFailed(unknown.map((name) => ({ path: [name], message: 'Unknown query parameter' })), 'query');
}

/** The bodies of json() answers a GET may revalidate (RFC 9110 §13.1.2), to hash for their ETag when they have none. */
const revalidatable = new WeakMap<Response, string>();

/**
 * A GET's JSON answer with its ETag: its own (an item's version) or a weak one hashed from its body (a list page);
 * and, when `If-None-Match` holds that ETag, a 304 with no body instead.
 */
export function conditional(request: Request, response: Response): Response {
  const body = revalidatable.get(response);
  if (body === undefined || response.status !== 200 || (request.method !== 'GET' && request.method !== 'HEAD')) return response;
  const etag = response.headers.get('etag') ?? contentEtagFor(body);
  if (!noneMatchHits(request, etag)) {
    response.headers.set('ETag', etag);
    return response;
  }
  return new Response(null, { status: 304, headers: { ETag: etag, 'Cache-Control': response.headers.get('cache-control') ?? 'no-store' } });
}

/**
 * A JSON answer. `revalidate: false` for a GET whose ETag (a version) does not cover all of its body, so that it is
 * never answered with a 304 on that ETag alone.
 */
export function json(body: unknown, { revalidate = true, ...init }: ResponseInit & { revalidate?: boolean } = {}): Response {
  const text = JSON.stringify(body);
  const response = new Response(text, { ...init, headers: { 'Content-Type': 'application/json', 'Cache-Control': noStoreFor(text), ...init.headers } });
  if (revalidate) revalidatable.set(response, text);
  return response;
}
