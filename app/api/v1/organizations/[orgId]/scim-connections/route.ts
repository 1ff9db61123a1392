import { createScimConnection, listScimConnections } from '@/core/scim';
import { apiResource, json } from '@/http/api-resource';
import { refuseIdempotencyKey } from '@/http/idempotency';
import { readJsonBody } from '@/http/json-body';

/** An organization's SCIM connections (Okta, Entra). The token is in the creating answer alone. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string }>({
  GET: async ({ params, ctx }) => json({ items: await listScimConnections(ctx, params.orgId) }),

  POST: async ({ request, params, ctx }) => {
    refuseIdempotencyKey(request);
    const { connection, token } = await createScimConnection(ctx, params.orgId, await readJsonBody(request));
    return json({ ...connection, token }, { status: 201 });
  },
});
