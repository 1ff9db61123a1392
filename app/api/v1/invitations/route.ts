import { createInvitation, listInvitations, type InvitationStatus } from '@/core/invitations';
import { ValidationFailed } from '@/core/errors';
import { apiResource, json } from '@/http/api-resource';
import { readJsonBody } from '@/http/json-body';

const statuses: readonly InvitationStatus[] = ['pending', 'accepted', 'expired', 'revoked'];

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  GET: async ({ request, ctx }) => {
    const status = new URL(request.url).searchParams.get('status') ?? undefined;
    if (status !== undefined && !statuses.includes(status as InvitationStatus)) {
      throw new ValidationFailed([{ path: ['status'], message: `Status must be one of: ${statuses.join(', ')}` }], 'query');
    }
    return json({ items: await listInvitations(ctx, { status: status as InvitationStatus | undefined }) });
  },

  POST: async ({ request, ctx }) => {
    const invitation = await createInvitation(ctx, await readJsonBody(request));
    return json(invitation, { status: 201, headers: { Location: new URL(`/api/v1/invitations/${invitation.id}`, request.url).toString() } });
  },
});
