// The security headers Roster sends (README, "Security headers"). Each is applied where its value is known:
// next.config.ts sends the fixed ones with every response, proxy.ts gives every page a policy with a fresh nonce,
// the API docs page (app/api/docs) has a policy of its own, and the server (scripts/server.mjs) adds HSTS, which
// depends on ROSTER_BASE_URL at run time.

/** Directive name → sources, in the order they are sent. */
export type Directives = Record<string, readonly string[]>;

/** A Content-Security-Policy header value. */
export function contentSecurityPolicy(directives: Directives): string {
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

export interface PagePolicyOptions {
  /** A fresh random value for this response: only scripts carrying it run (and those they load). */
  nonce: string;
  /** ROSTER_BASE_URL is https: subresources are fetched over https too. */
  https: boolean;
  /** Origins a form may be sent on to (the single sign-on provider, which a no-JavaScript sign-in is redirected to). */
  formTargets: readonly string[];
  /** `next dev`: React rebuilds server error stacks with eval. */
  development: boolean;
}

/**
 * A page's policy. Scripts run only with this response's nonce, which Next puts on its own (and, through
 * 'strict-dynamic', the chunks those load); 'self' is the fallback for browsers without CSP level 3. Everything
 * else comes from Roster's origin: styles, images (and data: ones, such as the two-factor QR code), fetches
 * (Server Actions, the live-updates stream). No plugins, no <base>, no framing by another site.
 */
export function pageContentSecurityPolicy({ nonce, https, formTargets, development }: PagePolicyOptions): string {
  return contentSecurityPolicy({
    'default-src': ["'self'"],
    'script-src': ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    'style-src': ["'self'", `'nonce-${nonce}'`],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'", ...formTargets],
    'frame-ancestors': ["'none'"],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  });
}
