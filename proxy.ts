import { NextResponse, type NextRequest } from 'next/server';

// Better Auth's session cookie (cookie prefix `roster`); the __Secure- variant is used when served over HTTPS.
const sessionCookies = ['roster.session_token', '__Secure-roster.session_token'];

// Pages anyone may open signed out. /api is excluded by the matcher below: route handlers answer for themselves.
const publicPaths = /^\/(sign-in|setup|forgot-password|reset-password|invite|verify-email|confirm-email)(\/|$)/;

/**
 * Sends a browser without a session cookie straight to /sign-in?next=<where it was going>, before any console
 * page renders. An optimization only: it checks that a cookie exists, not that it is valid. The pages
 * (requireConsoleUser) and the core (authorize) are what actually keep signed-out users out.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  // Server Actions are POSTs to the page: let them through, so they answer with a form error, not a redirect.
  if ((request.method !== 'GET' && request.method !== 'HEAD') || publicPaths.test(pathname)) return NextResponse.next();
  if (sessionCookies.some((name) => request.cookies.has(name))) return NextResponse.next();

  const signIn = new URL('/sign-in', request.url);
  const next = `${pathname}${search}`;
  if (next !== '/' && next !== '/users') signIn.searchParams.set('next', next);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Everything but route handlers, Next's own assets and files with an extension (favicon.ico, robots.txt, ...).
  matcher: ['/((?!api(?:/|$)|_next/|.*\\.[^/]+$).*)'],
};
