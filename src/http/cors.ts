import 'server-only';

/** Origins allowed to call /api/v1 from a browser, from ROSTER_CORS_ORIGINS (comma-separated). */
function allowedOrigins(): Set<string> {
  return new Set(
    (process.env.ROSTER_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  );
}

/** The response headers a page on an allowed origin may read (also published in the OpenAPI document). */
export const exposedHeaders = 'Location, ETag, RateLimit, RateLimit-Policy, Retry-After, Idempotent-Replayed';

/** CORS response headers for this request's Origin, or none when the origin isn't allowed. */
export function corsHeaders(request: Request): Record<string, string> {
  const origin = request.headers.get('origin');
  if (!origin || !allowedOrigins().has(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': exposedHeaders,
    Vary: 'Origin',
  };
}

export function preflightResponse(request: Request, allow: readonly string[]): Response {
  const headers = corsHeaders(request);
  if (headers['Access-Control-Allow-Origin']) {
    Object.assign(headers, {
      'Access-Control-Allow-Methods': allow.join(', '),
      'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match, Idempotency-Key, Last-Event-ID',
      'Access-Control-Max-Age': '600',
    });
  }
  return new Response(null, { status: 204, headers: { Allow: allow.join(', '), ...headers } });
}
