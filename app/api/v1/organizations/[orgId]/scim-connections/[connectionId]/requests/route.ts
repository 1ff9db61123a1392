import { listScimRequests } from '@/core/scim';
import { apiResource, json } from '@/http/api-resource';

/** The connection's request journal, newest first: the last 1,000 SCIM requests, values left out. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string; connectionId: string }>({
  GET: async ({ params, ctx }) => json({ items: await listScimRequests(ctx, params.orgId, params.connectionId) }),
});
