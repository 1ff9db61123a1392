import 'server-only';
import { z } from 'zod';
import { createUserInput, exportUsersQuery, listUsersQuery, updateUserInput, userDto, userPage } from '@/core/users';
import { bulkPreview, bulkUsersInput } from '@/core/users/bulk';
import { exportOperation } from './exports';
import { jobSummary } from './jobs';
import { idempotencyKeyHeader, ifMatchHeader, jsonBody, pathId, type Operation } from './operation';

export const userExample = {
  id: '01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d1a',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  role: 'viewer',
  status: 'active',
  plan: 'free',
  subscriptionStatus: null,
  externalId: null,
  metadata: {},
  version: 1,
  createdAt: '2026-11-24T09:30:00.000Z',
  updatedAt: '2026-11-24T09:30:00.000Z',
};

export const user = userDto.meta({ id: 'User', description: 'A user, as both doors return it.', example: userExample });
const page = userPage.meta({ id: 'UserPage', description: 'One page of users, newest first.' });
const userId = z.object({ id: pathId('The user’s id (a UUID); anything else is a 404.', userExample.id) });
export const ifMatch = ifMatchHeader('the user');

const writeErrors = {
  400: 'Malformed JSON, a malformed `If-Match`, or a malformed percent-encoding in the path.',
  413: 'The body is over 1 MB.',
  415: 'The body is not JSON.',
  422: 'Invalid, unknown or read-only fields, one error per field.',
};

export const usersOperations: Operation[] = [
  {
    method: 'post',
    path: '/api/v1/users/bulk',
    operationId: 'bulkUsers',
    summary: 'Act on many users',
    description:
      'Suspends, unsuspends, sets the role of, deletes, signs out everywhere or sends a password reset to the users named by `ids` (at most 1,000) or by `filter` (the list’s filters; users created after the request are left out). Starts a job: follow it at `Location`. Each user is decided by the single-user rules (admins don’t touch admins or owners; the last owner stays) and a refused one is an error of the job, not of the request. `dryRun: true` starts nothing and answers how many it names and which it would skip.',
    tag: 'Users',
    access: 'any-credential',
    request: { body: jsonBody(bulkUsersInput, { example: { action: 'suspend', filter: { plan: 'trial', status: 'active' } } }) },
    success: { status: 202, description: 'Started: the job (without `dryRun`).', schema: jobSummary, headers: ['Location'] },
    alsoSuccess: { status: 200, description: 'With `dryRun: true`: what it would do (nothing is started or changed).', schema: bulkPreview.meta({ id: 'BulkPreview' }) },
    errors: { ...writeErrors, 400: 'Malformed JSON.' },
  },
  {
    method: 'get',
    path: '/api/v1/users',
    operationId: 'listUsers',
    summary: 'List users',
    description: 'Newest first, keyset-paginated: pass `nextCursor` back as `cursor`. `subscriptionStatus=none` lists users without a subscription.',
    tag: 'Users',
    access: 'any-credential',
    request: { query: listUsersQuery },
    success: { status: 200, description: 'A page of users.', schema: page, example: { items: [userExample], nextCursor: null } },
    errors: { 400: 'A bad query parameter (one error per parameter) or a tampered cursor.' },
  },
  exportOperation({
    path: '/api/v1/users/export',
    operationId: 'exportUsers',
    summary: 'Export users (CSV or NDJSON)',
    tag: 'Users',
    what: 'every user the filters select (the same filters as listing them)',
    csvColumns: 'id, email, name, role, status, plan, subscriptionStatus, version, createdAt, updatedAt',
    filename: 'roster-users',
    access: 'Viewers and up, and keys with `users:read`.',
    query: exportUsersQuery,
  }),
  {
    method: 'post',
    path: '/api/v1/users',
    operationId: 'createUser',
    summary: 'Create a user',
    description:
      'Send an `Idempotency-Key` to retry safely: within 24 hours, the same key and payload replay the first response (`Idempotent-Replayed: true`) and create nothing.',
    tag: 'Users',
    access: 'any-credential',
    request: {
      headers: idempotencyKeyHeader,
      body: jsonBody(createUserInput, { example: { email: 'ada@example.com', name: 'Ada Lovelace', role: 'viewer' } }),
    },
    success: { status: 201, description: 'Created (or, with a used `Idempotency-Key`, the stored response).', schema: user, headers: ['Location', 'ETag', 'Idempotent-Replayed'] },
    errors: {
      ...writeErrors,
      400: 'Malformed JSON or a malformed `Idempotency-Key`.',
      409: 'A user with this email exists, or a request with the same `Idempotency-Key` is still in flight.',
      422: 'Invalid or unknown fields (one error per field), or an `Idempotency-Key` already used for another payload.',
    },
  },
  {
    method: 'get',
    path: '/api/v1/users/{id}',
    operationId: 'getUser',
    summary: 'Get a user',
    description: 'The user, with its version as `ETag`: send it back as `If-Match` to change or delete only what you read.',
    tag: 'Users',
    access: 'any-credential',
    request: { params: userId },
    success: { status: 200, description: 'The user.', schema: user, headers: ['ETag'] },
    errors: { 400: 'A malformed percent-encoding in the path.', 404: 'No such user (or a malformed id).' },
  },
  {
    method: 'patch',
    path: '/api/v1/users/{id}',
    operationId: 'updateUser',
    summary: 'Update a user',
    description:
      'Only the fields sent change. A change that changes nothing leaves `version` as it was. A new `email` takes effect at once, but counts as unverified until the link emailed to it is followed; the old address is told. `status: "suspended"` may come with a `suspensionReason` and a `suspendedUntil` (in the future): the user is active again by themselves within a minute after it; `status: "active"` clears both.',
    tag: 'Users',
    access: 'any-credential',
    request: { params: userId, headers: ifMatch, body: jsonBody(updateUserInput, { alsoAs: ['application/merge-patch+json'], example: { status: 'suspended', suspensionReason: 'Chargeback under review', suspendedUntil: '2026-12-31T18:00:00Z' } }) },
    success: { status: 200, description: 'The updated user.', schema: user, headers: ['ETag'] },
    errors: {
      ...writeErrors,
      404: 'No such user.',
      409: 'The email is taken, or the change would leave no active owner.',
      412: 'The user changed since the `If-Match` version.',
    },
  },
  {
    method: 'delete',
    path: '/api/v1/users/{id}',
    operationId: 'deleteUser',
    summary: 'Delete a user',
    description: 'With `If-Match`, only if the user is still the version you read (else 412). The deletion is an event (`user.deleted`) like any change.',
    tag: 'Users',
    access: 'any-credential',
    request: { params: userId, headers: ifMatch },
    success: { status: 204, description: 'Deleted.' },
    errors: {
      400: 'A malformed `If-Match` or percent-encoding in the path.',
      404: 'No such user.',
      409: 'The last active owner can’t be deleted.',
      412: 'The user changed since the `If-Match` version.',
    },
  },
];
