import { cancelJob, getJob, getJobQuery } from '@/core/jobs';
import { apiResource, json } from '@/http/api-resource';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string }>(
  {
    GET: async ({ request, params, ctx }) => json(await getJob(ctx, params.id, Object.fromEntries(new URL(request.url).searchParams))),

    /** Cancels (at once: a chunk in progress commits first); canceling a canceled job answers the same. */
    DELETE: async ({ params, ctx }) => json(await cancelJob(ctx, params.id)),
  },
  { query: { GET: getJobQuery } },
);
