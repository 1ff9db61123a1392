import { listUserSessions, signOutEverywhere } from '@/core/users';
import { apiResource, json } from '@/http/api-resource';
import { revalidateUserViews } from '@/http/revalidate';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string }>({
  GET: async ({ params, ctx }) => json({ items: await listUserSessions(ctx, params.id) }),

  /** Signs the user out everywhere: every session ends, and says how many did. */
  DELETE: async ({ params, ctx }) => {
    const result = await signOutEverywhere(ctx, params.id);
    revalidateUserViews(params.id);
    return json(result);
  },
});
