import 'server-only';
import { scimExpectedVersion } from '@/core/scim/protocol/values';
import { scimJson } from './route';

/** The version the request's `If-Match` names (undefined without one); a tag Roster never issued is 412. */
export const ifMatchVersion = (request: Request) => scimExpectedVersion(request.headers.get('if-match'));

/** One resource in its SCIM representation, with its weak ETag (and its Location when it was just created). */
export function scimResource(body: { meta: { version: string; location: string } }, status = 200): Response {
  return scimJson(body, { status, headers: { ETag: body.meta.version, ...(status === 201 ? { Location: body.meta.location } : {}) } });
}

/** 204 for a DELETE. */
export const scimNoContent = () => new Response(null, { status: 204 });

