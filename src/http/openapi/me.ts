import 'server-only';
import { z } from 'zod';
import { requestEmailChangeInput } from '@/core/accounts';
import { storedEmail, UNPAGED_LIST_MAX, uuid } from '@/core/bounds';
import { myOrganizationDto } from '@/core/organizations';
import { updateMeInput, userDto } from '@/core/users';
import { jsonBody, type Operation } from './operation';
import { ifMatch, user, userExample } from './users';

const me = userDto
  .extend({
    organizations: z.array(myOrganizationDto.meta({ id: 'MyOrganization', description: 'An organization the caller belongs to, with their role in it.' })).max(UNPAGED_LIST_MAX),
    impersonator: z
      .strictObject({ adminId: uuid(), impersonationId: uuid() })
      .nullable()
      .meta({ id: 'Impersonator', description: 'The admin acting as the caller (an impersonation session or a JWT with an `act` claim), or null.' }),
  })
  .meta({
    id: 'Me',
    description: 'The calling user, with the organizations they belong to and whoever impersonates them.',
    example: { ...userExample, organizations: [{ id: '01936f90-1a2b-7cc2-9d5e-3b6a2f0e4d1b', name: 'Acme', slug: 'acme', role: 'owner' }], impersonator: null },
  });

export const meOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/me',
    operationId: 'getMe',
    summary: 'Get the calling user',
    description: 'For end users’ apps: a session token or a JWT as the bearer. Always the caller’s own record, with the organizations they belong to and their role in each; `impersonator` names the admin acting as them, so the app can show its own banner.',
    tag: 'Me',
    access: 'user',
    success: { status: 200, description: 'The caller’s own user and organizations.', schema: me, headers: ['ETag'] },
    // The ETag is the user's version (for If-Match); their organizations change apart from it.
    notModified: false,
  },
  {
    method: 'patch',
    path: '/api/v1/me',
    operationId: 'updateMe',
    summary: 'Rename the calling user',
    description: 'Only `name` can change here; role, plan, status and email belong to admins and billing.',
    tag: 'Me',
    access: 'user',
    request: { headers: ifMatch, body: jsonBody(updateMeInput, { alsoAs: ['application/merge-patch+json'], example: { name: 'Ada King' } }) },
    success: { status: 200, description: 'The caller’s updated user.', schema: user, headers: ['ETag'] },
    errors: {
      400: 'Malformed JSON or a malformed `If-Match`.',
      412: 'The user changed since the `If-Match` version.',
      413: 'The body is over 1 MB.',
      415: 'The body is not JSON.',
      422: 'Any field but `name`, or an invalid name.',
    },
  },
  {
    method: 'post',
    path: '/api/v1/me/email',
    operationId: 'requestEmailChange',
    summary: 'Ask to change the calling user’s email',
    description: 'Nothing changes until the link sent to the new address is followed; the old address is then told. Refused (403) while an admin impersonates the caller.',
    tag: 'Me',
    access: 'user',
    request: { body: jsonBody(requestEmailChangeInput, { example: { email: 'ada.king@example.com' } }) },
    success: { status: 202, description: 'A confirmation link went to the new address.', schema: z.strictObject({ email: storedEmail() }) },
    errors: {
      400: 'Malformed JSON.',
      403: 'An admin is impersonating the caller: changing the email is for the user themself.',
      409: 'This is already your email.',
      413: 'The body is over 1 MB.',
      415: 'The body is not JSON.',
      422: 'An invalid email, or any other field.',
      429: 'Too many emails requested by this account or from this client IP, or to this address, or the request budget is spent: retry after `Retry-After` seconds.',
    },
  },
];
