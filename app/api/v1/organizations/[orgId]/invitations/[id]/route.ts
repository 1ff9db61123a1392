import { revokeOrganizationInvitation } from '@/core/invitations';
import { apiResource } from '@/http/api-resource';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string; id: string }>({
  /** Revokes: the link stops working; the invitation stays listed as revoked. Another organization's id is a 404. */
  DELETE: async ({ params, ctx }) => {
    await revokeOrganizationInvitation(ctx, params.orgId, params.id);
    return new Response(null, { status: 204 });
  },
});
