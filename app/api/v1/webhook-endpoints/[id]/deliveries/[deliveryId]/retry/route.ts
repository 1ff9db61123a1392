import { retryDelivery } from '@/core/integrations';
import { apiResource, json } from '@/http/api-resource';

/** Sends the delivery again now, with the same event id: 202. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string; deliveryId: string }>({
  POST: async ({ params, ctx }) => json(await retryDelivery(ctx, params.id, params.deliveryId), { status: 202 }),
});
