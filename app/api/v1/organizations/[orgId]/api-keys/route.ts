import { createOrganizationApiKey, listOrganizationApiKeys } from '@/core/api-keys';
import { apiResource, json } from '@/http/api-resource';
import { refuseIdempotencyKey } from '@/http/idempotency';
import { readJsonBody } from '@/http/json-body';

/** An organization's own API keys: they act only inside it. The secret is in the creating answer alone. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string }>({
  GET: async ({ params, ctx }) => json({ items: await listOrganizationApiKeys(ctx, params.orgId) }),

  POST: async ({ request, params, ctx }) => {
    refuseIdempotencyKey(request);
    const { apiKey, secret } = await createOrganizationApiKey(ctx, params.orgId, await readJsonBody(request));
    return json({ ...apiKey, secret }, { status: 201 });
  },
});
