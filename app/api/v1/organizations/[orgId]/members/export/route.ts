import { exportMembersQuery, planMemberExport } from '@/core/organizations';
import { getDatabase } from '@/db';
import { apiResource } from '@/http/api-resource';
import { exportResponse } from '@/http/export-response';
import { requestClientIp } from '@/http/request-client-ip';

/** Every member of one organization, as one CSV or NDJSON download, streamed from one snapshot. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string }>({
  GET: async ({ request, params, ctx }) => {
    const plan = await planMemberExport(ctx, params.orgId, Object.fromEntries(new URL(request.url).searchParams), requestClientIp(request));
    return exportResponse(request, plan, await getDatabase());
  },
}, { query: { GET: exportMembersQuery } });
