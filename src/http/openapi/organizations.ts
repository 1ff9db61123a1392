import 'server-only';
import { z } from 'zod';
import {
  addMemberInput,
  changeMemberRoleInput,
  createOrganizationInput,
  exportMembersQuery,
  listMembersQuery,
  listOrganizationsQuery,
  memberDto,
  memberPage,
  organizationDto,
  organizationPage,
  updateOrganizationInput,
} from '@/core/organizations';
import { exportOperation } from './exports';
import { idempotencyKeyHeader, ifMatchHeader, jsonBody, pathId, type Operation } from './operation';

const organizationExample = {
  id: '01936f90-1a2b-7cc2-9d5e-3b6a2f0e4d1b',
  name: 'Acme',
  slug: 'acme',
  metadata: { industry: 'rockets' },
  plan: 'free',
  subscriptionStatus: null,
  version: 1,
  createdAt: '2026-11-24T09:30:00.000Z',
  updatedAt: '2026-11-24T09:30:00.000Z',
};
const memberExample = {
  organizationId: organizationExample.id,
  userId: '01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d1a',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  role: 'admin',
  createdAt: '2026-11-24T09:31:00.000Z',
  updatedAt: '2026-11-24T09:31:00.000Z',
};

const organization = organizationDto.meta({ id: 'Organization', description: 'An organization (a customer’s company): the tenant.', example: organizationExample });
const member = memberDto.meta({ id: 'Member', description: 'A user’s membership of an organization, with their role there.', example: memberExample });
const orgId = z.object({ orgId: pathId('The organization’s id (a UUID); anything else, or one you are not a member of, is a 404.', organizationExample.id) });
const memberPath = orgId.extend({ userId: pathId('The member’s user id; a user who is not a member of this organization is a 404.', memberExample.userId) });
const ifMatch = ifMatchHeader('the organization');

const access =
  'Staff (admins and owners, keys with `organizations:write`) manage every organization; viewers and keys with `organizations:read` read them. ' +
  'A signed-in end user acts by their role in the organization: owners everything; admins everything but deleting it and changing owners; members read it and its members.';

const bodyErrors = { 400: 'Malformed JSON.', 413: 'The body is over 1 MB.', 415: 'The body is not JSON.' };

export const organizationsOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/organizations',
    operationId: 'listOrganizations',
    summary: 'List organizations',
    description: `Staff: every organization (\`q\` matches a part of the name or slug). End users: the organizations they belong to. Newest first, keyset-paginated: pass \`nextCursor\` back as \`cursor\`. ${access}`,
    tag: 'Organizations',
    access: 'any-credential',
    request: { query: listOrganizationsQuery },
    success: { status: 200, description: 'A page of organizations.', schema: organizationPage.meta({ id: 'OrganizationPage' }), example: { items: [organizationExample], nextCursor: null } },
    errors: { 400: 'A bad query parameter or a tampered cursor.' },
  },
  {
    method: 'post',
    path: '/api/v1/organizations',
    operationId: 'createOrganization',
    summary: 'Create an organization',
    description:
      'A signed-in end user becomes its owner (unless the server sets `ROSTER_ORG_CREATION=staff`); staff name its first owner with `ownerId`. Send an `Idempotency-Key` to retry safely.',
    tag: 'Organizations',
    access: 'any-credential',
    request: { headers: idempotencyKeyHeader, body: jsonBody(createOrganizationInput, { example: { name: 'Acme', slug: 'acme' } }) },
    success: { status: 201, description: 'Created.', schema: organization, headers: ['Location', 'ETag', 'Idempotent-Replayed'] },
    errors: {
      ...bodyErrors,
      400: 'Malformed JSON or a malformed `Idempotency-Key`.',
      403: 'Only staff may create organizations here (`ROSTER_ORG_CREATION=staff`), or only staff name another owner.',
      409: 'The slug is taken, or a request with the same `Idempotency-Key` is still in flight.',
      422: 'Invalid or unknown fields (metadata over 8 KB, a slug that is not lowercase letters, digits and dashes, no such owner), or an `Idempotency-Key` already used for another payload.',
    },
  },
  {
    method: 'get',
    path: '/api/v1/organizations/{orgId}',
    operationId: 'getOrganization',
    summary: 'Get an organization',
    description: 'The organization, with its version as `ETag`: send it back as `If-Match` to change or delete only what you read.',
    tag: 'Organizations',
    access: 'any-credential',
    request: { params: orgId },
    success: { status: 200, description: 'The organization.', schema: organization, headers: ['ETag'] },
    errors: { 404: 'No such organization, or you are not a member of it.' },
  },
  {
    method: 'patch',
    path: '/api/v1/organizations/{orgId}',
    operationId: 'updateOrganization',
    summary: 'Update an organization',
    description: 'Owners and admins of the organization, and staff. Only the fields sent change; `plan` belongs to billing.',
    tag: 'Organizations',
    access: 'any-credential',
    request: { params: orgId, headers: ifMatch, body: jsonBody(updateOrganizationInput, { alsoAs: ['application/merge-patch+json'], example: { name: 'Acme Inc.' } }) },
    success: { status: 200, description: 'The updated organization.', schema: organization, headers: ['ETag'] },
    errors: {
      ...bodyErrors,
      400: 'Malformed JSON or a malformed `If-Match`.',
      404: 'No such organization, or you are not a member of it.',
      409: 'The slug is taken.',
      412: 'The organization changed since the `If-Match` version.',
      422: 'Invalid, unknown or read-only fields.',
    },
  },
  {
    method: 'delete',
    path: '/api/v1/organizations/{orgId}',
    operationId: 'deleteOrganization',
    summary: 'Delete an organization',
    description: 'Owners of the organization, and staff. Its memberships go with it, in one transaction, each with a `member.removed` event.',
    tag: 'Organizations',
    access: 'any-credential',
    request: { params: orgId, headers: ifMatch },
    success: { status: 204, description: 'Deleted.' },
    errors: { 400: 'A malformed `If-Match`.', 404: 'No such organization, or you are not a member of it.', 412: 'The organization changed since the `If-Match` version.' },
  },
  {
    method: 'get',
    path: '/api/v1/organizations/{orgId}/members',
    operationId: 'listMembers',
    summary: 'List an organization’s members',
    description: 'Oldest member first, keyset-paginated: pass `nextCursor` back as `cursor`. Every member of the organization, and staff.',
    tag: 'Organizations',
    access: 'any-credential',
    request: { params: orgId, query: listMembersQuery },
    success: { status: 200, description: 'A page of members.', schema: memberPage.meta({ id: 'MemberPage' }), example: { items: [memberExample], nextCursor: null } },
    errors: { 400: 'A bad query parameter or a tampered cursor.', 404: 'No such organization, or you are not a member of it.' },
  },
  exportOperation({
    path: '/api/v1/organizations/{orgId}/members/export',
    operationId: 'exportMembers',
    summary: 'Export an organization’s members (CSV or NDJSON)',
    tag: 'Organizations',
    what: 'every member of the organization',
    order: 'oldest member first',
    csvColumns: 'userId, email, name, role, createdAt, updatedAt',
    filename: 'roster-organization-members',
    access: 'Every member of the organization, and staff (viewers and up, keys with `organizations:read`). The `export.downloaded` event carries the `organizationId`.',
    query: exportMembersQuery,
    params: orgId,
    notFound: 'No such organization, or you are not a member of it.',
  }),
  {
    method: 'post',
    path: '/api/v1/organizations/{orgId}/members',
    operationId: 'addMember',
    summary: 'Add an existing user to an organization',
    description: 'Owners and admins of the organization, and staff; only owners (and staff) add owners. Send an `Idempotency-Key` to retry safely.',
    tag: 'Organizations',
    access: 'any-credential',
    request: { params: orgId, headers: idempotencyKeyHeader, body: jsonBody(addMemberInput, { example: { userId: memberExample.userId, role: 'member' } }) },
    success: { status: 201, description: 'The new membership.', schema: member, headers: ['Location', 'Idempotent-Replayed'] },
    errors: {
      ...bodyErrors,
      400: 'Malformed JSON or a malformed `Idempotency-Key`.',
      404: 'No such organization, or you are not a member of it.',
      409: 'The user is already a member.',
      422: 'Invalid or unknown fields, or no user has this id.',
    },
  },
  {
    method: 'patch',
    path: '/api/v1/organizations/{orgId}/members/{userId}',
    operationId: 'changeMemberRole',
    summary: 'Change a member’s role',
    description: 'Owners and admins of the organization, and staff; granting, removing or changing the owner role is for owners (and staff). The last owner stays one.',
    tag: 'Organizations',
    access: 'any-credential',
    request: { params: memberPath, body: jsonBody(changeMemberRoleInput, { alsoAs: ['application/merge-patch+json'], example: { role: 'admin' } }) },
    success: { status: 200, description: 'The membership.', schema: member },
    errors: { ...bodyErrors, 404: 'No such organization or member (a member of another organization is not one of this one).', 409: 'This is the last owner.', 422: 'An unknown role or field.' },
  },
  {
    method: 'delete',
    path: '/api/v1/organizations/{orgId}/members/{userId}',
    operationId: 'removeMember',
    summary: 'Remove a member (or leave)',
    description: 'Owners and admins of the organization, and staff, remove members; only owners (and staff) remove an owner. Any member may remove themselves: that is leaving. The last owner can’t leave.',
    tag: 'Organizations',
    access: 'any-credential',
    request: { params: memberPath },
    success: { status: 204, description: 'Removed.' },
    errors: { 404: 'No such organization or member.', 409: 'This is the last owner.' },
  },
];
