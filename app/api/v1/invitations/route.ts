import { createInvitation, listInvitations, listInvitationsQuery } from '@/core/invitations';
import { parseInput } from '@/core/validation';
import { apiResource, json } from '@/http/api-resource';
import { idempotent } from '@/http/idempotency';
import { readJsonBody } from '@/http/json-body';
import { publicUrl } from '@/lib/public-url';
import { mailRequestFrom } from '@/rate-limit/mail-limits';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  GET: async ({ request, ctx }) => {
    const query = parseInput(listInvitationsQuery, Object.fromEntries(new URL(request.url).searchParams), 'query');
    return json({ items: await listInvitations(ctx, query) });
  },

  // The answer carries no link token (that goes by email), so it can be stored and replayed.
  POST: idempotent(async ({ request, ctx }) => {
    const invitation = await createInvitation(ctx, await readJsonBody(request), mailRequestFrom(request));
    return json(invitation, { status: 201, headers: { Location: publicUrl(`/api/v1/invitations/${invitation.id}`, request).toString() } });
  }),
}, { query: { GET: listInvitationsQuery } });
