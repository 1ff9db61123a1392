import 'server-only';
import { z } from 'zod';
import { listMembersQuery, orgRole } from '../organizations/schemas';
import { email } from '../users/schemas';
import { invitationStatuses } from './dto';

/** Who to invite into the organization and with which role there; members by default. */
export const createOrganizationInvitationInput = z.strictObject(
  { email, role: orgRole.default('member') },
  { error: (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? 'Unknown or read-only field' : 'Expected a JSON object') },
);

/** `GET /api/v1/organizations/{orgId}/invitations?status=&limit=&cursor=`: newest first, in keyset pages like the members. */
export const listOrganizationInvitationsQuery = listMembersQuery.extend({
  status: z.enum(invitationStatuses, { error: `Status must be one of: ${invitationStatuses.join(', ')}` }).optional(),
});

export type CreateOrganizationInvitationInput = z.input<typeof createOrganizationInvitationInput>;
