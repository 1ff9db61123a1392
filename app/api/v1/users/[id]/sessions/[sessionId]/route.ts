import { revokeUserSession } from '@/core/users';
import { apiResource } from '@/http/api-resource';
import { revalidateUserViews } from '@/http/revalidate';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string; sessionId: string }>({
  DELETE: async ({ params, ctx }) => {
    await revokeUserSession(ctx, params.id, params.sessionId);
    revalidateUserViews(params.id);
    return new Response(null, { status: 204 });
  },
});
