import { importUsers, importUsersQuery } from '@/core/users/import';
import { apiResource, json } from '@/http/api-resource';
import { importBody } from '@/http/import-body';
import { publicUrl } from '@/lib/public-url';

// Streams the upload into the core, which stages it row by row (the body is never held whole) and answers the job
// that will apply it: GET /api/v1/jobs/{id} follows it.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource(
  {
    POST: async ({ request, ctx }) => {
      const { format, body } = importBody(request);
      const job = await importUsers(ctx, body, format, Object.fromEntries(new URL(request.url).searchParams));
      return json(job, { status: 202, headers: { Location: publicUrl(`/api/v1/jobs/${job.id}`, request).toString() } });
    },
  },
  { query: { POST: importUsersQuery } },
);
