export { authenticateScimToken, type ScimScope } from './auth';
export {
  createScimConnection,
  getScimConnection,
  listScimConnections,
  listScimRequests,
  revokeScimConnection,
  rotateScimToken,
  scimBaseUrl,
  TOKEN_OVERLAP_MS,
  type ScimConnectionDto,
  type ScimTokenDto,
} from './connections';
export { ScimError, scimErrorBody } from './errors';
export { JOURNAL_SIZE, type ScimRequestDto } from './journal';
export { createScimConnectionInput, scimGroupRoles, scimPasswordSetups, setScimGroupRoleInput } from './schemas';
export { listScimGroupRoles, setScimGroupRole, type ScimGroupRoleDto } from './groups';
