import { NextResponse, type NextRequest } from 'next/server';
import { oidcConfig } from '@/auth/config';
import { baseUrl } from '@/core/links';
import { isDecodableActionBody } from '@/lib/action-body';
import { signInPath } from '@/lib/next-path';
import { publicUrl } from '@/lib/public-url';
import { pageContentSecurityPolicy } from '@/lib/security-headers';

// Better Auth's session cookie (cookie prefix `roster`); the __Secure- variant is used when served over HTTPS.
const sessionCookies = ['roster.session_token', '__Secure-roster.session_token'];

// Pages anyone may open signed out. /api is excluded by the matcher below: route handlers answer for themselves.
const publicPaths = /^\/(sign-in|setup|forgot-password|reset-password|invite|verify-email|confirm-email)(\/|$)/;

/**
 * Gives every page's response a Content-Security-Policy with a nonce of its own.
 *
 * Sends a browser without a session cookie straight to /sign-in?next=<where it was going>, before any console
 * page renders. An optimization only: it checks that a cookie exists, not that it is valid. The pages
 * (requireConsoleUser) and the core (authorize) are what actually keep signed-out users out.
 */
export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  // Next decodes a dynamic route's path segments after this proxy and answers a malformed encoding (`/users/%`,
  // `%ff`) with a bare-text 500 of its own; refuse it here, as the client error it is.
  if (!isWellEncoded(pathname)) return malformedPath(pathname);
  // Route handlers and Next's own files: their headers come from next.config.ts (and the handlers).
  if (/^\/(api|_next)\//.test(pathname)) return NextResponse.next();
  const policy = pagePolicy();
  const response = await routePage(request, policy);
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

async function routePage(request: NextRequest, policy: string): Promise<Response> {
  const { pathname, search } = request.nextUrl;
  // A Server Action body that React can't decode would get Next's bare 500 as well: a client error, too.
  if (request.method === 'POST' && !(await isDecodableActionBody(request))) {
    return new Response('Malformed Server Action request.', { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  // Server Actions are POSTs to the page: let them through, so they answer with a form error, not a redirect.
  // Paths with an extension (favicon.ico, robots.txt, ...) answer the same signed in or out.
  const gated = (request.method === 'GET' || request.method === 'HEAD') && !publicPaths.test(pathname) && !/\.[^/]+$/.test(pathname);
  if (gated && !sessionCookies.some((name) => request.cookies.has(name))) {
    return NextResponse.redirect(publicUrl(signInPath(`${pathname}${search}`), request));
  }
  // Next puts the nonce it finds in the request's policy on the scripts it renders.
  const headers = new Headers(request.headers);
  headers.set('Content-Security-Policy', policy);
  return NextResponse.next({ request: { headers } });
}

/** A page's policy, with a fresh nonce (128 random bits) for this response only. */
function pagePolicy(): string {
  const oidc = oidcConfig();
  return pageContentSecurityPolicy({
    nonce: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64'),
    https: baseUrl().startsWith('https:'),
    formTargets: oidc && URL.canParse(oidc.issuer) ? [new URL(oidc.issuer).origin] : [],
    development: process.env.NODE_ENV === 'development',
  });
}

function isWellEncoded(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function malformedPath(pathname: string): Response {
  const problem = {
    type: 'urn:roster:problem:malformed-path',
    title: 'Malformed path',
    status: 400,
    detail: 'The path has a malformed percent-encoding.',
    instance: pathname,
  };
  return Response.json(problem, { status: 400, headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' } });
}

export const config = {
  matcher: [
    // Everything but route handlers and Next's own assets: every other path is a page (or the page saying there is
    // none), and needs its policy.
    '/((?!api/|_next/).*)',
    // And any path with a percent sign, so that a malformed encoding is caught wherever it is.
    '/(.*%.*)',
  ],
};
