import { changeMemberRole, removeMember } from '@/core/organizations';
import { apiResource, json } from '@/http/api-resource';
import { readJsonBody } from '@/http/json-body';
import { revalidateOrganizationViews } from '@/http/revalidate';

/** One member of the organization in the path: a user id of another organization's member is a 404 here. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string; userId: string }>({
  PATCH: async ({ request, params, ctx }) => {
    const member = await changeMemberRole(ctx, params.orgId, params.userId, await readJsonBody(request));
    revalidateOrganizationViews(params.orgId, params.userId);
    return json(member);
  },

  DELETE: async ({ params, ctx }) => {
    await removeMember(ctx, params.orgId, params.userId);
    revalidateOrganizationViews(params.orgId, params.userId);
    return new Response(null, { status: 204 });
  },
});
