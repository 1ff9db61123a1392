import { methodNotAllowed } from '@/http/api-resource';
import { corsHeaders } from '@/http/cors';
import { openApiDocument } from '@/http/openapi/document';

/** The API's contract, public like any API reference: integrators generate clients from it. */
export function GET(request: Request): Response {
  return Response.json(openApiDocument(), { headers: { 'Cache-Control': 'public, max-age=300', ...corsHeaders(request) } });
}

export const POST = methodNotAllowed(['GET', 'HEAD']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
