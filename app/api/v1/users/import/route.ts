import { importUsers, importUsersQuery } from '@/core/users/import';
import { apiResource, json } from '@/http/api-resource';
import { importBody } from '@/http/import-body';
import { revalidateUsersList } from '@/http/revalidate';

// Streams the upload into the core batch by batch: the body is never held whole, whatever its size.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource(
  {
    POST: async ({ request, ctx }) => {
      const { format, body } = importBody(request);
      const report = await importUsers(ctx, body, format, Object.fromEntries(new URL(request.url).searchParams));
      if (report.succeeded > 0 && !report.dryRun) revalidateUsersList();
      return json(report);
    },
  },
  { query: { POST: importUsersQuery } },
);
