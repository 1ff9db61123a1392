import { webhookSecretBox } from '@/auth/webhook-secret-box';
import { createWebhookEndpoint, listWebhookEndpoints } from '@/core/integrations';
import { apiResource, json } from '@/http/api-resource';
import { readJsonBody } from '@/http/json-body';
import { refuseIdempotencyKey } from '@/http/idempotency';
import { etagFor } from '@/http/etag';
import { publicUrl } from '@/lib/public-url';

/** REST hooks: an integration subscribes by POSTing an endpoint, and unsubscribes by DELETEing it. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  GET: async ({ ctx }) => json({ items: await listWebhookEndpoints(ctx) }),

  POST: async ({ request, ctx }) => {
    refuseIdempotencyKey(request);
    const { endpoint, secret } = await createWebhookEndpoint(ctx, await readJsonBody(request), { secrets: webhookSecretBox() });
    return json(
      { ...endpoint, secret },
      { status: 201, headers: { Location: publicUrl(`/api/v1/webhook-endpoints/${endpoint.id}`, request).toString(), ETag: etagFor(endpoint.version) } },
    );
  },
});
