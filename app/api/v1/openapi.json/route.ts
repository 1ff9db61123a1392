import { conditional, json, methodNotAllowed, refuseUnknownQuery } from '@/http/api-resource';
import { corsHeaders } from '@/http/cors';
import { openApiDocument } from '@/http/openapi/document';
import { errorToResponse } from '@/http/problem';

/**
 * The API's contract, public like any API reference: integrators generate clients from it. Like every /api/v1 answer:
 * no query parameters, an ETag, and a 304 for `If-None-Match`.
 */
export function GET(request: Request): Response {
  let response: Response;
  try {
    refuseUnknownQuery(request, undefined);
    response = conditional(request, json(openApiDocument(), { headers: { 'Cache-Control': 'public, max-age=300' } }));
  } catch (error) {
    response = errorToResponse(error, request);
  }
  for (const [name, value] of Object.entries(corsHeaders(request))) response.headers.set(name, value);
  return response;
}

export const POST = methodNotAllowed(['GET', 'HEAD']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
