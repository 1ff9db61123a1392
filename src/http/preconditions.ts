import 'server-only';
import { HttpProblem } from './problem';

/** What `If-Match` may hold: `*`, or an ETag this API issued (the version, quoted). */
export const ifMatchValue = /^(\*|"(\d{1,9})")$/;

/** Strong ETag for a versioned resource. */
export const etagFor = (version: number) => `"${version}"`;

/**
 * The version an `If-Match` header demands, for optimistic concurrency on PATCH/DELETE:
 * undefined when absent or `*`, 400 when it isn't an ETag this API issued.
 */
export function expectedVersionFrom(request: Request): number | undefined {
  const header = request.headers.get('if-match')?.trim();
  if (!header) return undefined;
  const match = ifMatchValue.exec(header);
  if (!match) {
    throw new HttpProblem(400, 'invalid-if-match', 'Invalid If-Match', 'If-Match must be an ETag from this API, e.g. "3".');
  }
  return match[2] === undefined ? undefined : Number(match[2]);
}
