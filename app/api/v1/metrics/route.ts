import { getMetrics, metricsQuery } from '@/core/metrics';
import { apiResource, json } from '@/http/api-resource';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  GET: async ({ request, ctx }) => json(await getMetrics(ctx, Object.fromEntries(new URL(request.url).searchParams))),
}, { query: { GET: metricsQuery } });
