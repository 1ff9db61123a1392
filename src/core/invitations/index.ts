export { createInvitation, listInvitations, getInvitation, revokeInvitation, resendInvitation, acceptInvitation } from './commands';
export { INVITATION_TTL_MS } from './issue';
export { inspectInvitationLink, InvitationUnusable, type InvitationLink } from './link';
export { joinByInvitation } from './join';
export { createOrganizationInvitation, listOrganizationInvitations, revokeOrganizationInvitation, revokeInvitationsOfDeletedOrganization } from './organization-commands';
export { invitationDto, invitationStatuses, toInvitationDto, type InvitationDto, type InvitationStatus } from './dto';
export { organizationInvitationDto, organizationInvitationPage, type OrganizationInvitationDto, type OrganizationInvitationPage } from './organization-dto';
export { createInvitationInput, listInvitationsQuery } from './schemas';
export { createOrganizationInvitationInput, listOrganizationInvitationsQuery } from './organization-schemas';
