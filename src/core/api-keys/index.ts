export { createApiKey, createOrganizationApiKey, revokeApiKey, revokeOrganizationApiKey } from './commands';
export { listApiKeys, listOrganizationApiKeys, authenticateApiKey } from './queries';
export { createOrganizationApiKeyInput, organizationKeyScopes } from './schemas';
export { apiKeyPrefix, apiKeySecret, looksLikeApiKey } from './secret';
export type { ApiKeyDto } from './dto';
