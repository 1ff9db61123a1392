import { deleteWebhookEndpoint, getWebhookEndpoint, updateWebhookEndpoint } from '@/core/integrations';
import { apiResource, json } from '@/http/api-resource';
import { readJsonBody } from '@/http/json-body';
import { etagFor } from '@/http/etag';
import { writePreconditions } from '@/http/preconditions';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string }>({
  GET: async ({ params, ctx }) => {
    const endpoint = await getWebhookEndpoint(ctx, params.id);
    return json(endpoint, { headers: { ETag: etagFor(endpoint.version) } });
  },

  PATCH: async ({ request, params, ctx }) => {
    const preconditions = writePreconditions(request);
    const endpoint = await updateWebhookEndpoint(ctx, params.id, await readJsonBody(request), preconditions);
    return json(endpoint, { headers: { ETag: etagFor(endpoint.version) } });
  },

  DELETE: async ({ request, params, ctx }) => {
    await deleteWebhookEndpoint(ctx, params.id, writePreconditions(request));
    return new Response(null, { status: 204 });
  },
});
