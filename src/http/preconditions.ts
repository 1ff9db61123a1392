import 'server-only';
import type { WriteOptions } from '@/core/versions';
import { opaqueTag } from './etag';
import { HttpProblem } from './problem';

/** What `If-Match` may hold: `*`, or an ETag this API issued, strong or weak (`"3"`, `W/"3"`). */
export const ifMatchValue = /^(?:\*|(?:W\/)?"(\d{1,9})")$/;

const requireIfMatch = () => process.env.ROSTER_REQUIRE_IF_MATCH === '1';

/**
 * What a PATCH/DELETE's `If-Match` demands of the version it changes (optimistic concurrency). The version is the
 * validator, so the weak form a compressing proxy makes of an ETag (`W/"3"`) names the same version as `"3"`.
 * Absent or `*`: any version, unless ROSTER_REQUIRE_IF_MATCH=1, under which an absent one is a 428. Anything but
 * one ETag this API issued is a 400.
 */
export function writePreconditions(request: Request): WriteOptions {
  const header = request.headers.get('if-match')?.trim();
  if (!header) return { versionRequired: requireIfMatch() };
  const match = ifMatchValue.exec(header);
  if (!match) {
    throw new HttpProblem(
      400,
      'invalid-if-match',
      'Invalid If-Match',
      'If-Match must be one ETag this API issued, strong or weak ("3" or W/"3"), or *. Read the resource again for its current ETag.',
    );
  }
  return match[1] === undefined ? {} : { expectedVersion: Number(match[1]) };
}

/**
 * Whether `If-None-Match` matches `etag` (weak comparison, RFC 9110 §13.1.2): `*`, or any tag in its list with the
 * same opaque part. A request whose If-None-Match matches gets a 304 instead of the representation.
 */
export function noneMatchHits(request: Request, etag: string): boolean {
  const header = request.headers.get('if-none-match')?.trim();
  if (!header) return false;
  if (header === '*') return true;
  const current = opaqueTag(etag);
  return header.split(',').some((tag) => opaqueTag(tag) === current);
}
