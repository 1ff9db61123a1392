import { resendVerificationEmail } from '@/core/users';
import { apiResource } from '@/http/api-resource';
import { revalidateUserViews } from '@/http/revalidate';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string }>({
  /** Emails an unverified user a new verification link (queued with the event): 202, nothing to return. */
  POST: async ({ params, ctx }) => {
    await resendVerificationEmail(ctx, params.id);
    revalidateUserViews(params.id);
    return new Response(null, { status: 202 });
  },
});
