// The security headers Roster sends (docs/security.md). Each is applied where its value is known:
// next.config.ts sends the fixed ones with every response (they live in fixed-security-headers.mjs, which
// scripts/before-next.mjs uses too), proxy.ts gives every page a policy with a fresh nonce, the API docs page
// (app/api/docs) has a policy of its own, and the server (scripts/server.mjs) adds HSTS, which depends on
// ROSTER_BASE_URL at run time.

import { contentSecurityPolicy } from './fixed-security-headers.mjs';

export { contentSecurityPolicy, fixedSecurityHeaders, inertContentSecurityPolicy, type Directives } from './fixed-security-headers.mjs';

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
