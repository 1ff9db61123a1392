import { getInvitation, revokeInvitation } from '@/core/invitations';
import { apiResource, json } from '@/http/api-resource';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string }>({
  GET: async ({ params, ctx }) => json(await getInvitation(ctx, params.id)),

  /** Revokes: the link stops working; the invitation stays listed as revoked. */
  DELETE: async ({ params, ctx }) => {
    await revokeInvitation(ctx, params.id);
    return new Response(null, { status: 204 });
  },
});
