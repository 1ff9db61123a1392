import { createOrganizationInvitation, listOrganizationInvitations, listOrganizationInvitationsQuery } from '@/core/invitations';
import { apiResource, json } from '@/http/api-resource';
import { idempotent } from '@/http/idempotency';
import { readJsonBody } from '@/http/json-body';
import { publicUrl } from '@/lib/public-url';
import { mailRequestFrom } from '@/rate-limit/mail-limits';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ orgId: string }>({
  GET: async ({ request, params, ctx }) => json(await listOrganizationInvitations(ctx, params.orgId, Object.fromEntries(new URL(request.url).searchParams))),

  // The answer carries no link token (that goes by email), so it can be stored and replayed.
  POST: idempotent(async ({ request, params, ctx }) => {
    const invitation = await createOrganizationInvitation(ctx, params.orgId, await readJsonBody(request), mailRequestFrom(request));
    const location = publicUrl(`/api/v1/organizations/${invitation.organizationId}/invitations/${invitation.id}`, request);
    return json(invitation, { status: 201, headers: { Location: location.toString() } });
  }),
}, { query: { GET: listOrganizationInvitationsQuery } });
