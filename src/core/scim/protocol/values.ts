import 'server-only';
import { z } from 'zod';
import { ScimError, type ScimType } from '../errors';
import { isStorableText } from '../../bounds';

// Value schemas shared by the SCIM body parsers and PATCH: SCIM's rules (names case-insensitive, booleans that Entra
// sends as "True"/"False", null meaning unassigned) in one place.

/** A nullable text attribute: trimmed, '' and null both mean unassigned (null), at most `max` characters. */
export const scimText = (attribute: string, max: number) =>
  z
    .string({ error: `${attribute} must be a string` })
    .trim()
    .max(max, `${attribute} must be at most ${max} characters`)
    .refine(isStorableText, `${attribute} must not contain NUL or unpaired surrogate characters`)
    .nullish()
    .transform((value) => (value === undefined || value === '' ? null : value));

/** A boolean, or the strings "true"/"false" in any case (Entra's legacy PATCH sends `"value": "False"`). */
export const booleanValue = (attribute: string) =>
  z.union([z.boolean(), z.string().regex(/^(true|false)$/i).transform((value) => value.toLowerCase() === 'true')], {
    error: `${attribute} must be true or false`,
  });

export const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An object whose attribute names match case-insensitively (RFC 7643 §2.1: `username` is `userName`); members not in
 * `shape` are dropped, so attributes Roster does not keep are ignored rather than refused.
 */
export function scimObject<S extends z.ZodRawShape>(shape: S) {
  const names = new Map(Object.keys(shape).map((name) => [name.toLowerCase(), name]));
  return z.preprocess(
    (input) => (isPlainObject(input) ? Object.fromEntries(Object.entries(input).map(([name, value]) => [names.get(name.toLowerCase()) ?? name, value])) : input),
    z.object(shape, { error: 'Expected a JSON object' }),
  );
}

/** Parses `value` with `schema`; a failure is ScimError(400, scimType) naming the attribute and the problem. */
export function scimParse<S extends z.ZodType>(schema: S, value: unknown, attribute: string, scimType: ScimType = 'invalidValue'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = [attribute, ...issue.path.map(String)].filter(Boolean).join('.');
  throw new ScimError(400, scimType, where ? `${where}: ${issue.message}` : issue.message);
}

/** `meta` of a resource (RFC 7643 §3.1): `version` is a weak ETag of the row's version counter. */
export interface ScimMeta {
  resourceType: 'User' | 'Group';
  created: string;
  lastModified: string;
  location: string;
  version: string;
}

export const scimMeta = (resourceType: 'User' | 'Group', view: { createdAt: Date; updatedAt: Date; version: number }, location: string): ScimMeta => ({
  resourceType,
  created: view.createdAt.toISOString(),
  lastModified: view.updatedAt.toISOString(),
  location,
  version: scimVersion(view.version),
});

/** The weak ETag of a version counter: `W/"3"`. The same string goes in `meta.version` and the `ETag` header. */
export const scimVersion = (version: number) => `W/"${version}"`;

/**
 * The version an `If-Match` header names, for PUT/PATCH/DELETE (RFC 7644 §3.14): `W/"3"` (as `meta.version` and the
 * ETag give it) or `"3"`; undefined when the header is absent or `*`. An entity tag Roster never issued cannot match
 * the resource: 412, as a stale version is.
 */
export function scimExpectedVersion(ifMatch: string | null): number | undefined {
  const header = ifMatch?.trim();
  if (!header || header === '*') return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header);
  if (!match) throw new ScimError(412, undefined, 'If-Match does not name a version of this resource (expected meta.version, e.g. W/"3")');
  return Number(match[1]);
}
