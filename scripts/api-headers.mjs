// What the production server (scripts/server.mjs) takes out of the API's responses: Next lists its own navigation
// request headers in `Vary` on every App Router response (`rsc, next-router-state-tree, next-router-prefetch,
// next-router-segment-prefetch`, and `next-url` where a route could be intercepted: BaseServer.setVaryHeader in
// next/dist/server/base-server.js), before the route handler runs, and appends the handler's own `Vary` to it. For
// a page they matter (the same URL answers HTML or an RSC payload); an API answer never depends on them, and a cache
// or client that honours them keys on headers no API client sends. What the handler itself varies on (`Origin` for
// CORS) stays, as does what a compressing layer adds (`Accept-Encoding`).

/** Next's request headers for App Router navigation, which Next lists in Vary. */
const nextVary = new Set(['rsc', 'next-router-state-tree', 'next-router-prefetch', 'next-router-segment-prefetch', 'next-url']);

/** The paths whose answers are API answers: the REST API and SCIM. */
const apiPath = /^\/api\/(v1|scim)(\/|\?|$)/;

/**
 * Strips Next's navigation headers from `Vary` on an API response, just before its head goes out (Node calls
 * writeHead for an implicit head too), so whatever set them, and whenever, they are gone.
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 */
export function cleanApiHeaders(request, response) {
  if (!apiPath.test(request.url ?? '')) return;
  const writeHead = response.writeHead;
  response.writeHead = function (...args) {
    const vary = this.getHeader('vary');
    if (vary !== undefined) {
      const kept = [...new Set([vary].flat().join(',').split(',').map((value) => value.trim()).filter((value) => value && !nextVary.has(value.toLowerCase())))];
      if (kept.length > 0) this.setHeader('Vary', kept.join(', '));
      else this.removeHeader('Vary');
    }
    return writeHead.apply(this, args);
  };
}
