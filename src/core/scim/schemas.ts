import 'server-only';
import { z } from 'zod';
import { isStorableText } from '../bounds';

export const scimPasswordSetups = ['none', 'invitation'] as const;

const strict = { error: (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? 'Unknown field' : 'Expected an object') };

export const createScimConnectionInput = z.strictObject(
  {
    name: z
      .string({ error: 'Name is required' })
      .trim()
      .min(1, 'Name is required')
      .max(100, 'Name must be at most 100 characters')
      .refine(isStorableText, 'Name contains characters that cannot be stored'),
    /** `invitation`: users the connection provisions get an email to set a password; `none`: they sign in through the IdP. */
    passwordSetup: z.enum(scimPasswordSetups, { error: `Password setup must be one of: ${scimPasswordSetups.join(', ')}` }).default('none'),
  },
  strict,
);
export type CreateScimConnectionInput = z.input<typeof createScimConnectionInput>;

/** The organization roles a SCIM group may grant its members: never `owner`. */
export const scimGroupRoles = ['admin', 'member'] as const;

/** `PUT …/scim-groups/{groupId}/role`: the role the group grants, or null to unbind it. */
export const setScimGroupRoleInput = z.strictObject(
  { role: z.enum(scimGroupRoles, { error: `Role must be one of: ${scimGroupRoles.join(', ')}, or null` }).nullable() },
  strict,
);
export type SetScimGroupRoleInput = z.input<typeof setScimGroupRoleInput>;
