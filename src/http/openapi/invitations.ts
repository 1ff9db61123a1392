import 'server-only';
import { z } from 'zod';
import { UNPAGED_LIST_MAX } from '@/core/bounds';
import { createInvitationInput, invitationDto, listInvitationsQuery } from '@/core/invitations';
import { idempotencyKeyHeader, jsonBody, pathId, type Operation } from './operation';

const invitation = invitationDto.meta({ id: 'Invitation', description: 'An invitation by email: its single-use link lives only in the email.' });
const invitationId = z.object({ id: pathId('The invitation’s id; anything else is a 404.') });
const notFound = { 400: 'A malformed percent-encoding in the path.', 404: 'No such invitation (or a malformed id).' };
const base = { tag: 'Invitations', access: 'any-credential' } as const;
const sendLimitSpent = 'Too many emails requested by this credential or from this client IP (nothing was sent), or the request budget is spent: retry after `Retry-After` seconds.';

export const invitationsOperations: Operation[] = [
  {
    ...base,
    method: 'get',
    path: '/api/v1/invitations',
    operationId: 'listInvitations',
    summary: 'List invitations',
    description: `Invitations into the service (those into one organization are listed under it), newest first, the latest ${UNPAGED_LIST_MAX} at most; \`status=\` keeps those in one state.`,
    request: { query: listInvitationsQuery },
    success: { status: 200, description: 'Invitations, newest first.', schema: z.strictObject({ items: z.array(invitation).max(UNPAGED_LIST_MAX) }) },
    errors: { 400: 'An unknown status.' },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/invitations',
    operationId: 'createInvitation',
    summary: 'Invite someone by email',
    description:
      'Sends a single-use link valid 7 days. Admins invite below admin; only owners invite admins and owners. With an `Idempotency-Key`, a retry within 24 hours replays the first response and neither invites nor emails again.',
    request: { headers: idempotencyKeyHeader, body: jsonBody(createInvitationInput, { example: { email: 'grace@example.com', role: 'viewer' } }) },
    success: { status: 201, description: 'Invited (or, with a used `Idempotency-Key`, the stored response).', schema: invitation, headers: ['Location', 'Idempotent-Replayed'] },
    errors: {
      400: 'Malformed JSON or a malformed `Idempotency-Key`.',
      409: 'An account or an open invitation with this email exists, or a request with the same `Idempotency-Key` is still in flight.',
      413: 'The body is over 1 MB.',
      415: 'The body is not JSON.',
      422: 'An invalid email or role, an unknown field, or an `Idempotency-Key` already used for another payload.',
      429: sendLimitSpent,
    },
  },
  { ...base, method: 'get', path: '/api/v1/invitations/{id}', operationId: 'getInvitation', summary: 'Get an invitation', description: 'One invitation and its state; never its link, which only the invitee’s email holds.', request: { params: invitationId }, success: { status: 200, description: 'The invitation.', schema: invitation }, errors: notFound },
  {
    ...base,
    method: 'delete',
    path: '/api/v1/invitations/{id}',
    operationId: 'revokeInvitation',
    summary: 'Revoke an invitation',
    description: 'Its link stops working; the invitation stays listed as revoked.',
    request: { params: invitationId },
    success: { status: 204, description: 'Revoked.' },
    errors: { ...notFound, 409: 'It was accepted or revoked already.' },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/invitations/{id}/resend',
    operationId: 'resendInvitation',
    summary: 'Send an invitation again',
    description: 'A new link, valid 7 days from now; the previous one stops working.',
    request: { params: invitationId },
    success: { status: 200, description: 'Sent again.', schema: invitation },
    errors: { ...notFound, 409: 'It was accepted or revoked already.', 429: sendLimitSpent },
  },
];
