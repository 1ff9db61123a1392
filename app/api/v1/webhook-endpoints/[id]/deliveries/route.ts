import { listDeliveries, listDeliveriesQuery } from '@/core/integrations';
import { apiResource, json } from '@/http/api-resource';

/** The endpoint's delivery log, newest first: `?limit=&cursor=` (pass the `nextCursor` you got back). */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string }>({
  GET: async ({ request, params, ctx }) => json(await listDeliveries(ctx, params.id, Object.fromEntries(new URL(request.url).searchParams))),
}, { query: { GET: listDeliveriesQuery } });
