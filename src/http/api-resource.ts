import 'server-only';
import type { RateLimitQuota } from '@/core/errors';
import { actorOf, type CoreContext } from '@/core/principal';
import { getDatabase } from '@/db';
import { consumeQuota } from '@/rate-limit/quota';
import { apiPrincipal } from './authenticate';
import { corsHeaders, preflightResponse } from './cors';
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

/**
 * Builds every method export of a /api/v1 route: the given handlers run with a core context whose principal
 * comes from the bearer credential (the core decides what it may do), each credential's request budget is spent
 * and announced (RateLimit headers; 429 once spent), any error becomes problem+json, CORS headers are added,
 * OPTIONS answers preflight, and every other method is a 405 that says which methods exist.
 */
export function apiResource<Params = Record<string, never>>(
  handlers: Partial<Record<Method, Handler<Params>>>,
): Record<Method | 'OPTIONS', RouteHandler<Params>> {
  const allow = [...methods.filter((method) => handlers[method]), ...(handlers.GET ? ['HEAD'] : []), 'OPTIONS'];

  const wrap = (handle: Handler<Params>): RouteHandler<Params> => async (request, context) => {
    let response: Response;
    let quota: RateLimitQuota | undefined;
    try {
      const { db } = await getDatabase();
      const principal = await apiPrincipal(request, db);
      quota = await consumeQuota('api', actorOf(principal));
      response = await handle({ request, params: await context.params, ctx: { db, principal } });
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
      return [method, handle ? wrap(handle) : notAllowed];
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

export function json(body: unknown, init: ResponseInit = {}): Response {
  const text = JSON.stringify(body);
  return new Response(text, { ...init, headers: { 'Content-Type': 'application/json', 'Cache-Control': noStoreFor(text), ...init.headers } });
}
