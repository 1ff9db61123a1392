import { addMember, listMembers, listMembersQuery } from '@/core/organizations';
import { apiResource, json } from '@/http/api-resource';
import { idempotent } from '@/http/idempotency';
import { readJsonBody } from '@/http/json-body';
import { revalidateOrganizationViews } from '@/http/revalidate';
import { publicUrl } from '@/lib/public-url';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string }>({
  GET: async ({ request, params, ctx }) => json(await listMembers(ctx, params.orgId, Object.fromEntries(new URL(request.url).searchParams))),

  POST: idempotent(async ({ request, params, ctx }) => {
    const member = await addMember(ctx, params.orgId, await readJsonBody(request));
    revalidateOrganizationViews(member.organizationId, member.userId);
    const location = publicUrl(`/api/v1/organizations/${member.organizationId}/members/${member.userId}`, request).toString();
    return json(member, { status: 201, headers: { Location: location } });
  }),
}, { query: { GET: listMembersQuery } });
