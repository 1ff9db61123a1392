import { resendInvitation } from '@/core/invitations';
import { apiResource, json } from '@/http/api-resource';
import { mailRequestFrom } from '@/rate-limit/mail-limits';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string }>({
  /** A new link, valid 7 days from now; the previous one stops working. */
  POST: async ({ request, params, ctx }) => json(await resendInvitation(ctx, params.id, mailRequestFrom(request))),
});
