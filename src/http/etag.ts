import 'server-only';
import { createHash } from 'node:crypto';

/** Strong ETag for a versioned resource: its version. */
export const etagFor = (version: number) => `"${version}"`;

/**
 * Weak ETag for a representation with no version of its own (a list page): a hash of its body. Weak: it validates
 * the page's content for `If-None-Match`; it names no version, so `If-Match` cannot use it.
 */
export const contentEtagFor = (body: string) => `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/** An entity-tag's opaque part, weak or strong: `W/"3"` and `"3"` both give `3`. Undefined when it is no entity-tag. */
export const opaqueTag = (tag: string) => /^(?:W\/)?"([\x21\x23-\x7e]*)"$/.exec(tag.trim())?.[1];
