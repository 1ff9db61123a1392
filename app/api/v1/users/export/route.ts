import { exportUsersQuery, planUserExport } from '@/core/users';
import { getDatabase } from '@/db';
import { apiResource } from '@/http/api-resource';
import { exportResponse } from '@/http/export-response';
import { requestClientIp } from '@/http/request-client-ip';

/** Every user the list's filters select, as one CSV or NDJSON download, streamed from one snapshot. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  GET: async ({ request, ctx }) => {
    const plan = planUserExport(ctx.principal, Object.fromEntries(new URL(request.url).searchParams), requestClientIp(request));
    return exportResponse(request, plan, await getDatabase());
  },
}, { query: { GET: exportUsersQuery } });
