import 'server-only';
import { ScimError } from '@/core/scim/errors';
import { scimJson } from './route';

/**
 * The version an `If-Match` header names (`W/"3"`, `"3"`), or undefined without one or for `*`. Anything else can
 * match no version: 412, as a stale one.
 */
export function ifMatchVersion(request: Request): number | undefined {
  const header = request.headers.get('if-match')?.trim();
  if (!header || header === '*') return undefined;
  const version = /^(?:W\/)?"(\d{1,9})"$/.exec(header)?.[1];
  if (version === undefined) throw new ScimError(412, undefined, 'If-Match names no version of this resource (expected a meta.version such as W/"3").');
  return Number(version);
}

/** One resource in its SCIM representation, with its weak ETag (and its Location when it was just created). */
export function scimResource(body: { meta: { version: string; location: string } }, status = 200): Response {
  return scimJson(body, { status, headers: { ETag: body.meta.version, ...(status === 201 ? { Location: body.meta.location } : {}) } });
}

/** 204 for a DELETE. */
export const scimNoContent = () => new Response(null, { status: 204 });

