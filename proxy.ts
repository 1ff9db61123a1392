import { NextResponse, type NextRequest } from 'next/server';
import { isDecodableActionBody } from '@/lib/action-body';
import { publicUrl } from '@/lib/public-url';

// Better Auth's session cookie (cookie prefix `roster`); the __Secure- variant is used when served over HTTPS.
const sessionCookies = ['roster.session_token', '__Secure-roster.session_token'];

// Pages anyone may open signed out. /api is excluded by the matcher below: route handlers answer for themselves.
const publicPaths = /^\/(sign-in|setup|forgot-password|reset-password|invite|verify-email|confirm-email)(\/|$)/;

/**
 * Sends a browser without a session cookie straight to /sign-in?next=<where it was going>, before any console
 * page renders. An optimization only: it checks that a cookie exists, not that it is valid. The pages
 * (requireConsoleUser) and the core (authorize) are what actually keep signed-out users out.
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  // Next decodes a dynamic route's path segments after this proxy and answers a malformed encoding (`/users/%`,
  // `%ff`) with a bare-text 500 of its own; refuse it here, as the client error it is. Likewise a Server Action
  // body that React can't decode.
  if (!isWellEncoded(pathname)) return malformedPath(pathname);
  if (pathname.startsWith('/api/') || /\.[^/]+$/.test(pathname)) return NextResponse.next();
  if (request.method === 'POST' && !(await isDecodableActionBody(request))) {
    return new Response('Malformed Server Action request.', { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  // Server Actions are POSTs to the page: let them through, so they answer with a form error, not a redirect.
  if ((request.method !== 'GET' && request.method !== 'HEAD') || publicPaths.test(pathname)) return NextResponse.next();
  if (sessionCookies.some((name) => request.cookies.has(name))) return NextResponse.next();

  const signIn = publicUrl('/sign-in', request);
  const next = `${pathname}${search}`;
  if (next !== '/' && next !== '/users') signIn.searchParams.set('next', next);
  return NextResponse.redirect(signIn);
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
    // Everything but route handlers, Next's own assets and files with an extension (favicon.ico, robots.txt, ...).
    '/((?!api/|_next/|.*\\.[^/]+$).*)',
    // And any path with a percent sign, so that a malformed encoding is caught wherever it is.
    '/(.*%.*)',
  ],
};
