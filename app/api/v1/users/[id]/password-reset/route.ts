import { sendPasswordReset } from '@/core/users';
import { apiResource } from '@/http/api-resource';
import { revalidateUserViews } from '@/http/revalidate';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string }>({
  /** Emails the user a password-reset link (queued with the event): 202, nothing to return. */
  POST: async ({ params, ctx }) => {
    await sendPasswordReset(ctx, params.id);
    revalidateUserViews(params.id);
    return new Response(null, { status: 202 });
  },
});
