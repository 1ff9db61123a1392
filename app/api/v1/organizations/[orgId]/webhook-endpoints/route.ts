import { webhookSecretBox } from '@/auth/webhook-secret-box';
import { createOrganizationWebhookEndpoint, listOrganizationWebhookEndpoints } from '@/core/integrations';
import { apiResource, json } from '@/http/api-resource';
import { refuseIdempotencyKey } from '@/http/idempotency';
import { readJsonBody } from '@/http/json-body';
import { etagFor } from '@/http/etag';
import { publicUrl } from '@/lib/public-url';

/** An organization's webhook endpoints: sent only its events; managed afterwards at /api/v1/webhook-endpoints/{id}. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string }>({
  GET: async ({ params, ctx }) => json({ items: await listOrganizationWebhookEndpoints(ctx, params.orgId) }),

  POST: async ({ request, params, ctx }) => {
    refuseIdempotencyKey(request);
    const { endpoint, secret } = await createOrganizationWebhookEndpoint(ctx, params.orgId, await readJsonBody(request), { secrets: webhookSecretBox() });
    return json(
      { ...endpoint, secret },
      { status: 201, headers: { Location: publicUrl(`/api/v1/webhook-endpoints/${endpoint.id}`, request).toString(), ETag: etagFor(endpoint.version) } },
    );
  },
});
