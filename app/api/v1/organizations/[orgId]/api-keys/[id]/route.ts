import { revokeOrganizationApiKey } from '@/core/api-keys';
import { apiResource, json } from '@/http/api-resource';

/** Revokes one of the organization's keys (it stays listed, revoked, for the audit trail). */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string; id: string }>({
  DELETE: async ({ params, ctx }) => json(await revokeOrganizationApiKey(ctx, params.orgId, params.id)),
});
