import { rotateScimToken } from '@/core/scim';
import { apiResource, json } from '@/http/api-resource';
import { refuseIdempotencyKey } from '@/http/idempotency';

/** Rotates the connection's token: the new one is in this answer alone; the previous one works for the overlap. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string; connectionId: string }>({
  POST: async ({ request, params, ctx }) => {
    refuseIdempotencyKey(request);
    const { connection, token } = await rotateScimToken(ctx, params.orgId, params.connectionId);
    return json({ ...connection, token }, { status: 201 });
  },
});
