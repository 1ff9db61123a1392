import { sendTestEvent } from '@/core/integrations';
import { apiResource, json } from '@/http/api-resource';

/** Queues a `webhook.test` event for this endpoint: 202, with the delivery to follow in its delivery log. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string }>({
  POST: async ({ params, ctx }) => json(await sendTestEvent(ctx, params.id), { status: 202 }),
});
