import { problemResponse } from '@/http/problem';

/**
 * Any /api path no route serves: 404 problem+json for every method, like the rest of the API, instead of the
 * console's HTML not-found page (whose render would also try to decode a POST as a Server Action).
 */
function notFound(request: Request): Response {
  const instance = new URL(request.url).pathname;
  return problemResponse({ type: 'urn:roster:problem:not-found', title: 'Not Found', status: 404, detail: `Nothing is served at ${instance}.`, instance });
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
