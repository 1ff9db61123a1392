import { setScimGroupRole } from '@/core/scim';
import { apiResource, json } from '@/http/api-resource';
import { readJsonBody } from '@/http/json-body';
import { revalidateOrganizationViews } from '@/http/revalidate';

/** The organization role a SCIM group grants its members (`admin`, `member`, or null): set by the organization's admins. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string; groupId: string }>({
  PUT: async ({ request, params, ctx }) => {
    const group = await setScimGroupRole(ctx, params.orgId, params.groupId, await readJsonBody(request));
    // Its members' roles may have changed with it: the organization's member list is stale.
    revalidateOrganizationViews(params.orgId);
    return json(group);
  },
});
