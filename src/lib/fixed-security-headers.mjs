// The security headers that do not depend on the response (docs/security.md). Plain JS, so that
// scripts/server.mjs sends them too with what it answers itself, before Next (scripts/before-next.mjs);
// src/lib/security-headers.ts re-exports them for next.config.ts and the rest.

/**
 * A Content-Security-Policy header value.
 * @param {Record<string, readonly string[]>} directives directive name → sources, in the order they are sent
 */
export function contentSecurityPolicy(directives) {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/** Sent with every response, whatever it is. */
export const fixedSecurityHeaders = [
  // A response is what its Content-Type says: an uploaded or echoed text is never run as a script or style.
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  // Full addresses to Roster itself, nothing to anyone else: emailed links carry their token in the path.
  // (Not no-referrer: a form posted under it says `Origin: null`, which Roster's CSRF checks refuse.)
  { key: 'Referrer-Policy', value: 'same-origin' },
  // frame-ancestors 'none' for browsers that predate it.
  { key: 'X-Frame-Options', value: 'DENY' },
];

/** For everything that is not a page (API answers, files, Next's assets): nothing in it may run, load or be framed. */
export const inertContentSecurityPolicy = contentSecurityPolicy({ 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] });
