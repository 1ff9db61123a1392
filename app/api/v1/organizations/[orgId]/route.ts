import { deleteOrganization, getOrganization, updateOrganization } from '@/core/organizations';
import { apiResource, json } from '@/http/api-resource';
import { readJsonBody } from '@/http/json-body';
import { etagFor } from '@/http/etag';
import { writePreconditions } from '@/http/preconditions';
import { revalidateOrganizationViews } from '@/http/revalidate';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string }>({
  GET: async ({ params, ctx }) => {
    const organization = await getOrganization(ctx, params.orgId);
    return json(organization, { headers: { ETag: etagFor(organization.version) } });
  },

  PATCH: async ({ request, params, ctx }) => {
    const preconditions = writePreconditions(request);
    const organization = await updateOrganization(ctx, params.orgId, await readJsonBody(request), preconditions);
    revalidateOrganizationViews(organization.id);
    return json(organization, { headers: { ETag: etagFor(organization.version) } });
  },

  DELETE: async ({ request, params, ctx }) => {
    await deleteOrganization(ctx, params.orgId, writePreconditions(request));
    revalidateOrganizationViews(params.orgId);
    return new Response(null, { status: 204 });
  },
});
