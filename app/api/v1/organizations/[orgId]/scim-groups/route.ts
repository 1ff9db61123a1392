import { listScimGroupRoles } from '@/core/scim';
import { apiResource, json } from '@/http/api-resource';

/** The groups identity providers pushed into the organization, each with the organization role it grants. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string }>({
  GET: async ({ params, ctx }) => json({ items: await listScimGroupRoles(ctx, params.orgId) }),
});
