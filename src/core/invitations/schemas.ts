import 'server-only';
import { z } from 'zod';
import { email, name, password, role } from '../users/schemas';
import { invitationStatuses } from './dto';

const strict = (message: string) => ({ error: (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? message : 'Expected a JSON object') });

/** Who to invite and as what; members by default, like any new user. */
export const createInvitationInput = z.strictObject({ email, role: role.default('member') }, strict('Unknown or read-only field'));

/** What the invitee chooses: a name, and a password unless they continue with single sign-on. */
export const acceptInvitationInput = z.strictObject({ name, password: password.optional() }, strict('Unknown field'));

/** `GET /api/v1/invitations?status=`. */
export const listInvitationsQuery = z.object({
  status: z.enum(invitationStatuses, { error: `Status must be one of: ${invitationStatuses.join(', ')}` }).optional(),
});

export type CreateInvitationInput = z.input<typeof createInvitationInput>;
export type AcceptInvitationInput = z.input<typeof acceptInvitationInput>;
