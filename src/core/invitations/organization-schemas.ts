import 'server-only';
import { z } from 'zod';
import { orgRole } from '../organizations/schemas';
import { email } from '../users/schemas';
import { invitationStatuses } from './dto';

/** Who to invite into the organization and with which role there; members by default. */
export const createOrganizationInvitationInput = z.strictObject(
  { email, role: orgRole.default('member') },
  { error: (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? 'Unknown or read-only field' : 'Expected a JSON object') },
);

/** `GET /api/v1/organizations/{orgId}/invitations?status=&limit=&cursor=`: newest first, in keyset pages. */
export const listOrganizationInvitationsQuery = z.object({
  status: z.enum(invitationStatuses, { error: `Status must be one of: ${invitationStatuses.join(', ')}` }).optional(),
  limit: z.coerce
    .number({ error: 'Limit must be a number' })
    .int('Limit must be a whole number')
    .min(1, 'Limit must be at least 1')
    .max(100, 'Limit must be at most 100')
    .default(50),
  cursor: z.string().max(200, 'Invalid cursor').optional(),
});

export type CreateOrganizationInvitationInput = z.input<typeof createOrganizationInvitationInput>;
