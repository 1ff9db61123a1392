export { createInvitation, listInvitations, getInvitation, revokeInvitation, resendInvitation, inspectInvitationLink, acceptInvitation, InvitationUnusable, INVITATION_TTL_MS, type InvitationLink } from './commands';
export { invitationDto, invitationStatuses, toInvitationDto, type InvitationDto, type InvitationStatus } from './dto';
export { createInvitationInput, listInvitationsQuery } from './schemas';
