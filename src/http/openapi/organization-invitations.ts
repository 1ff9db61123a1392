import 'server-only';
import { z } from 'zod';
import { createOrganizationInvitationInput, listOrganizationInvitationsQuery, organizationInvitationDto, organizationInvitationPage } from '@/core/invitations';
import { PAGE_LIMIT_MAX } from '@/core/page-query';
import { idempotencyKeyHeader, jsonBody, pathId, type Operation } from './operation';

const invitation = organizationInvitationDto.meta({ id: 'OrganizationInvitation', description: 'An invitation by email into one organization: its single-use link lives only in the email.' });
const orgId = pathId('The organization’s id; anything else, or one the caller is no member of, is a 404.');
const path = '/api/v1/organizations/{orgId}/invitations';
const base = { tag: 'Organizations', access: 'any-credential' } as const;
const who = 'Staff who manage organizations (admins, owners, `organizations:write` keys) and the organization’s owners and admins.';

export const organizationInvitationsOperations: Operation[] = [
  {
    ...base,
    method: 'get',
    path,
    operationId: 'listOrganizationInvitations',
    summary: 'List an organization’s invitations',
    description: `Newest first, in keyset pages (\`nextCursor\`). ${who} Staff viewers and \`organizations:read\` keys read them too; members don’t.`,
    request: { params: z.object({ orgId }), query: listOrganizationInvitationsQuery },
    success: { status: 200, description: 'A page of invitations.', schema: organizationInvitationPage.extend({ items: z.array(invitation).max(PAGE_LIMIT_MAX) }) },
    errors: { 400: 'An unknown status, a bad limit or cursor, or a malformed percent-encoding in the path.', 404: 'No such organization (or the caller is not in it).' },
  },
  {
    ...base,
    method: 'post',
    path,
    operationId: 'createOrganizationInvitation',
    summary: 'Invite someone into an organization',
    description: `${who} Admins can’t invite owners. Sends a single-use link valid 7 days, in an email that names the organization, the inviter and the role. Someone without an account creates one by it; someone with an account signs in and joins (no second account). With an \`Idempotency-Key\`, a retry within 24 hours replays the first response and neither invites nor emails again.`,
    request: {
      params: z.object({ orgId }),
      headers: idempotencyKeyHeader,
      body: jsonBody(createOrganizationInvitationInput, { example: { email: 'grace@example.com', role: 'admin' } }),
    },
    success: { status: 201, description: 'Invited (or, with a used `Idempotency-Key`, the stored response).', schema: invitation, headers: ['Location', 'Idempotent-Replayed'] },
    errors: {
      400: 'Malformed JSON or a malformed `Idempotency-Key`.',
      404: 'No such organization (or the caller is not in it).',
      409: 'The address is already a member or has an open invitation into this organization, or a request with the same `Idempotency-Key` is still in flight.',
      413: 'The body is over 1 MB.',
      415: 'The body is not JSON.',
      422: 'An invalid email or role, an unknown field, or an `Idempotency-Key` already used for another payload.',
      429: 'Too many emails requested by this credential or from this client IP (nothing was sent), or the request budget is spent: retry after `Retry-After` seconds.',
    },
  },
  {
    ...base,
    method: 'delete',
    path: `${path}/{id}`,
    operationId: 'revokeOrganizationInvitation',
    summary: 'Revoke an organization’s invitation',
    description: `${who} Its link stops working; it stays listed as revoked. Only owners revoke an invitation to be an owner.`,
    request: { params: z.object({ orgId, id: pathId('The invitation’s id: one of another organization is a 404.') }) },
    success: { status: 204, description: 'Revoked.' },
    errors: { 400: 'A malformed percent-encoding in the path.', 404: 'No such organization or no such invitation in it.', 409: 'It was accepted or revoked already.' },
  },
];
