import { getScimConnection, revokeScimConnection } from '@/core/scim';
import { apiResource, json } from '@/http/api-resource';

/** One SCIM connection; DELETE revokes it and its tokens at once (it stays listed, revoked, with its journal). */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string; connectionId: string }>({
  GET: async ({ params, ctx }) => json(await getScimConnection(ctx, params.orgId, params.connectionId)),
  DELETE: async ({ params, ctx }) => json(await revokeScimConnection(ctx, params.orgId, params.connectionId)),
});
