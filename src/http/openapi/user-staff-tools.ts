import 'server-only';
import { z } from 'zod';
import { UNPAGED_LIST_MAX } from '@/core/bounds';
import { SESSION_ID_MAX, userSessionDto } from '@/core/users';
import { pathId, type Operation } from './operation';
import { userExample } from './users';

// Staff tools on one user (docs/staff-tools.md): their sessions, and the emails staff send them. Admins act on members
// and viewers, owners on anyone; keys with users:write act as admins.

const session = userSessionDto.meta({ id: 'UserSession', description: 'One of a user’s sessions: device, address and activity, never its token.' });
const userId = z.object({ id: pathId('The user’s id (a UUID); anything else is a 404.', userExample.id) });
const sessionId = userId.extend({
  sessionId: z
    .string()
    .max(SESSION_ID_MAX)
    .regex(/^[A-Za-z0-9_-]+$/)
    .meta({ description: 'The session’s id, as listed.', example: 'Jx2b7Qd0kVh3mZ8yWc5rT1nLp4sA9eGf' }),
});
const base = { tag: 'Users', access: 'any-credential' } as const;
const refused = 'Admins act on members and viewers only; keys need `users:write`.';
const notFound = { 400: 'A malformed percent-encoding in the path.', 404: 'No such user (or a malformed id).' };

export const userStaffToolsOperations: Operation[] = [
  {
    ...base,
    method: 'get',
    path: '/api/v1/users/{id}/sessions',
    operationId: 'listUserSessions',
    summary: 'List a user’s sessions',
    description: `Where the user is signed in (unexpired sessions), most recently active first, the latest ${UNPAGED_LIST_MAX} at most. Sessions an admin ran as the user are marked with who and why. ${refused}`,
    request: { params: userId },
    success: { status: 200, description: 'The sessions.', schema: z.strictObject({ items: z.array(session).max(UNPAGED_LIST_MAX) }) },
    errors: notFound,
  },
  {
    ...base,
    method: 'delete',
    path: '/api/v1/users/{id}/sessions',
    operationId: 'signOutUserEverywhere',
    summary: 'Sign a user out everywhere',
    description: `Ends every session of the user: each device is signed out on its next request (JWTs already issued stop working too). One \`session.revoked\` event says how many ended. ${refused}`,
    request: { params: userId },
    success: { status: 200, description: 'Signed out: how many sessions ended.', schema: z.strictObject({ revoked: z.int().min(0).max(2_147_483_647).meta({ format: 'int32' }) }) },
    errors: notFound,
  },
  {
    ...base,
    method: 'delete',
    path: '/api/v1/users/{id}/sessions/{sessionId}',
    operationId: 'revokeUserSession',
    summary: 'Revoke one of a user’s sessions',
    description: `That device is signed out on its next request. A \`session.revoked\` event names the session and who revoked it. ${refused}`,
    request: { params: sessionId },
    success: { status: 204, description: 'Revoked.' },
    errors: { 400: notFound[400], 404: 'No such user, or no such session of theirs.' },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/users/{id}/password-reset',
    operationId: 'sendUserPasswordReset',
    summary: 'Email a user a password-reset link',
    description: `The link (valid an hour, single use) is only in the email; \`user.password-reset-sent\` records that it was sent. ${refused}`,
    request: { params: userId },
    success: { status: 202, description: 'Queued for sending.' },
    errors: { ...notFound, 409: 'The account is suspended (code `suspended`): unsuspend it first.' },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/users/{id}/verification-email',
    operationId: 'resendUserVerificationEmail',
    summary: 'Email an unverified user a new verification link',
    description: `A new link replaces any older one; \`user.verification-email-sent\` records that it was sent. ${refused}`,
    request: { params: userId },
    success: { status: 202, description: 'Queued for sending.' },
    errors: { ...notFound, 409: 'The address is verified already.' },
  },
];
