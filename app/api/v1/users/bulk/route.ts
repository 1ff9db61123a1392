import { startBulkUsers } from '@/core/users/bulk';
import { apiResource, json } from '@/http/api-resource';
import { readJsonBody } from '@/http/json-body';
import { publicUrl } from '@/lib/public-url';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  /** A job (202, Location: the job) or, with dryRun, what it would do (200). */
  POST: async ({ request, ctx }) => {
    const started = await startBulkUsers(ctx, await readJsonBody(request));
    if ('preview' in started) return json(started.preview);
    return json(started.job, { status: 202, headers: { Location: publicUrl(`/api/v1/jobs/${started.job.id}`, request).toString() } });
  },
});
