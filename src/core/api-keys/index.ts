export { createApiKey, revokeApiKey } from './commands';
export { listApiKeys, authenticateApiKey } from './queries';
export { looksLikeApiKey } from './secret';
export type { ApiKeyDto } from './dto';
