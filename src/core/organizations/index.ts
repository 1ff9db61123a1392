export { createOrganization, updateOrganization, deleteOrganization, type WriteOptions } from './commands';
export { getOrganization, listOrganizations, myOrganizations } from './queries';
export { listMembers, addMember, changeMemberRole, removeMember, removeMembershipsOf } from './members';
export { exportMembersQuery, planMemberExport } from './export';
export { membershipsAllowSignIn, orgCreationFromEnv, type OrgCreation } from './access';
export { memberDto, memberPage, myOrganizationDto, organizationDto, organizationPage, type MemberDto, type MemberPage, type MyOrganizationDto, type OrganizationDto, type OrganizationPage } from './dto';
export { addMemberInput, changeMemberRoleInput, createOrganizationInput, listMembersQuery, listOrganizationsQuery, orgRoles, updateOrganizationInput, type OrgRole } from './schemas';
