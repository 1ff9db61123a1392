import { webhookSecretBox } from '@/auth/webhook-secret-box';
import { rotateWebhookSecret } from '@/core/integrations';
import { apiResource, json } from '@/http/api-resource';
import { etagFor } from '@/http/etag';

/** A new signing secret, shown this once; the previous one keeps signing beside it for 24 hours. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string }>({
  POST: async ({ params, ctx }) => {
    const { endpoint, secret } = await rotateWebhookSecret(ctx, params.id, { secrets: webhookSecretBox() });
    return json({ ...endpoint, secret }, { headers: { ETag: etagFor(endpoint.version) } });
  },
});
