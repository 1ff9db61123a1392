import 'server-only';
import { z } from 'zod';
import { isStorableText, uuid } from '../bounds';
import { name } from '../users/schemas';
import { pageCursor, pageLimit } from '../page-query';

export const orgRoles = ['owner', 'admin', 'member'] as const;
export type OrgRole = (typeof orgRoles)[number];

export const orgRole = z.enum(orgRoles, { error: `Role must be one of: ${orgRoles.join(', ')}` });

/** Lowercase letters, digits and single dashes between them: safe in a URL path and a subdomain. */
export const slug = z
  .string({ error: 'Slug is required' })
  .trim()
  .toLowerCase()
  .min(2, 'Slug must be at least 2 characters')
  .max(63, 'Slug must be at most 63 characters')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Slug may hold only lowercase letters, digits and single dashes between them');

export const METADATA_MAX_BYTES = 8 * 1024;

/**
 * The product's own JSON about the organization. PostgreSQL's jsonb takes neither a NUL nor an unpaired surrogate
 * (JSON.stringify writes both as \u escapes; paired surrogates it writes as themselves), so both are a 422, not a 500.
 */
export const metadata = z
  .record(z.string(), z.unknown(), { error: 'Metadata must be a JSON object' })
  .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES, 'Metadata must be at most 8 KB of JSON')
  .refine((value) => !/\\u0000|\\ud[89a-f][0-9a-f]{2}/i.test(JSON.stringify(value)), 'Metadata must not contain NUL or unpaired surrogate characters');

const objectError = { error: (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? 'Unknown or read-only field' : 'Expected a JSON object') };

/** `ownerId`: staff name the first owner; an end user who creates one is its owner (and may name only themselves). */
export const createOrganizationInput = z.strictObject(
  { name, slug, metadata: metadata.default({}), ownerId: uuid({ error: 'ownerId must be a user id (a UUID)' }).optional() },
  objectError,
);

/** The plan is billing's, the id and version Roster's: none of them is written here. */
export const updateOrganizationInput = z.strictObject({ name: name.optional(), slug: slug.optional(), metadata: metadata.optional() }, objectError);

export const addMemberInput = z.strictObject({ userId: uuid({ error: 'userId must be a user id (a UUID)' }), role: orgRole.default('member') }, objectError);

export const changeMemberRoleInput = z.strictObject({ role: orgRole }, objectError);

const pageQuery = {
  limit: pageLimit,
  cursor: pageCursor,
};

/** `q`: a substring of the name or slug (staff only: end users list their own organizations, all of them). */
export const listOrganizationsQuery = z.object({
  q: z
    .string()
    .trim()
    .max(100, 'q must be at most 100 characters')
    .refine(isStorableText, 'q must not contain NUL or unpaired surrogate characters')
    .optional(),
  ...pageQuery,
});

export const listMembersQuery = z.object(pageQuery);

export type CreateOrganizationInput = z.input<typeof createOrganizationInput>;
export type UpdateOrganizationInput = z.input<typeof updateOrganizationInput>;
export type AddMemberInput = z.input<typeof addMemberInput>;
export type ChangeMemberRoleInput = z.input<typeof changeMemberRoleInput>;
export const organizationFields = ['name', 'slug', 'metadata', 'plan'] as const;
