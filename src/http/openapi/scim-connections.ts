import 'server-only';
import { z } from 'zod';
import { int32, isoDateTime, uuid } from '@/core/bounds';
import { createScimConnectionInput, JOURNAL_SIZE, scimGroupRoles, scimPasswordSetups, setScimGroupRoleInput, TOKEN_OVERLAP_MS } from '@/core/scim';
import { jsonBody, pathId, type Operation } from './operation';

const organizationId = '01936f90-1a2b-7cc2-9d5e-3b6a2f0e4d1b';
const tokenExample = {
  id: '01936f92-3c4d-7cc2-9d5e-3b6a2f0e4d1d',
  prefix: 'scim_Xy12ab',
  createdAt: '2026-12-01T09:30:00.000Z',
  expiresAt: null,
  lastUsedAt: '2026-12-02T08:00:00.000Z',
  revokedAt: null,
};
const connectionExample = {
  id: '01936f91-2b3c-7cc2-9d5e-3b6a2f0e4d1c',
  organizationId,
  name: 'Okta',
  passwordSetup: 'none',
  createdBy: '01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d1a',
  createdAt: '2026-12-01T09:30:00.000Z',
  revokedAt: null,
  baseUrl: 'https://roster.example.com/api/scim/v2',
  lastUsedAt: '2026-12-02T08:00:00.000Z',
  tokens: [tokenExample],
};

const timestamp = isoDateTime();
/** ScimTokenDto (src/core/scim/connections.ts), published. */
const scimToken = z.strictObject({
  id: uuid(),
  prefix: z.string().max(20).meta({ description: 'The token’s first characters, to tell tokens apart: not enough to use it.' }),
  createdAt: timestamp,
  expiresAt: timestamp.nullable().meta({ description: 'Set when a rotation superseded it: it works until then.' }),
  lastUsedAt: timestamp.nullable().meta({ description: 'To the minute.' }),
  revokedAt: timestamp.nullable(),
});
/** ScimConnectionDto, published. */
const scimConnectionDto = z.strictObject({
  id: uuid(),
  organizationId: uuid(),
  name: z.string().max(100),
  passwordSetup: z.enum(scimPasswordSetups).meta({ description: '`invitation`: users it provisions get an email to set a password; `none`: they sign in through the identity provider.' }),
  createdBy: uuid().nullable().meta({ description: 'Who made it; null for the CLI.' }),
  createdAt: timestamp,
  revokedAt: timestamp.nullable(),
  baseUrl: z.url().max(2048).meta({ description: 'The SCIM base URL to give the identity provider: `<ROSTER_BASE_URL>/api/scim/v2`.' }),
  lastUsedAt: timestamp.nullable().meta({ description: 'The last request with any of its tokens, to the minute.' }),
  tokens: z.array(scimToken).max(1000).meta({ description: 'Newest first: at most two work at once (the current one, and the previous one during a rotation’s overlap).' }),
});
const scimConnection = scimConnectionDto.meta({ id: 'ScimConnection', description: 'A SCIM connection: never a token or its hash.', example: connectionExample });
const scimConnectionWithToken = scimConnectionDto
  .extend({ token: z.string().max(100).meta({ description: 'The token (`scim_…`): shown only in this answer; the identity provider sends it as `Authorization: Bearer <token>`.' }) })
  .meta({ id: 'ScimConnectionWithToken', description: 'A SCIM connection and its new token, shown this once.' });
const scimRequest = z
  .strictObject({
    id: z.string().max(20).meta({ description: 'Increasing: newer requests have larger ids.' }),
    at: timestamp,
    method: z.string().max(10),
    path: z.string().max(1000).meta({ description: 'The path and query, filter values replaced by "…".' }),
    summary: z.string().max(1000).meta({ description: 'What the request asked: a PATCH’s operations, a POST or PUT’s attribute names, a GET’s filter, with every value left out.' }),
    status: int32(100, 599),
    scimType: z.string().max(20).nullable().meta({ description: 'The SCIM error type answered (`uniqueness`, `invalidFilter`, …), if any.' }),
    latencyMs: int32(0),
  })
  .meta({ id: 'ScimRequest', description: 'One SCIM request of a connection, as its journal shows it.' });

const groupExample = {
  id: '01936f93-4d5e-7cc2-9d5e-3b6a2f0e4d1e',
  displayName: 'Roster admins',
  externalId: '4f1c2a9e-okta-group',
  role: 'admin',
  memberCount: 3,
  updatedAt: '2026-12-02T08:00:00.000Z',
};
/** ScimGroupRoleDto (src/core/scim/groups.ts), published. */
const scimGroup = z
  .strictObject({
    id: uuid(),
    displayName: z.string().max(256),
    externalId: z.string().max(256).nullable(),
    role: z.enum(scimGroupRoles).nullable().meta({ description: 'The organization role the group grants its members (they hold the highest of their own and their groups’), or null.' }),
    memberCount: int32(0),
    updatedAt: timestamp,
  })
  .meta({ id: 'ScimGroup', description: 'A group an identity provider pushed over SCIM, with the organization role it grants.', example: groupExample });

const orgId = z.object({ orgId: pathId('The organization’s id; anything else, or one the caller cannot see, is a 404.', organizationId) });
const connectionPath = orgId.extend({ connectionId: pathId('The connection’s id; one of another organization is a 404.', connectionExample.id) });
const groupPath = orgId.extend({ groupId: pathId('The group’s id (its SCIM id); one of another organization is a 404.', groupExample.id) });
const bodyErrors = {
  400: 'Malformed JSON, or an `Idempotency-Key` (not supported here: the answer carries a token Roster does not keep).',
  413: 'The body is over 1 MB.',
  415: 'The body is not JSON.',
};
const readAccess =
  'For the organization’s owners and admins, staff admins and owners, and the organization’s own keys with `organizations:write`; its members and staff viewers get 403; an end user outside it, or another organization’s key, 404.';
const manageAccess =
  'For the organization’s owners and admins, and staff admins and owners; no API key (403): a token is a credential into the organization. Its members and staff viewers get 403; an end user outside it, or another organization’s key, 404.';
const base = { tag: 'SCIM connections', access: 'any-credential' } as const;
const overlapHours = TOKEN_OVERLAP_MS / 3_600_000;

export const scimConnectionOperations: Operation[] = [
  {
    ...base,
    method: 'get',
    path: '/api/v1/organizations/{orgId}/scim-connections',
    operationId: 'listScimConnections',
    summary: 'List an organization’s SCIM connections',
    description: `Newest first (at most 100), revoked ones included, each with its tokens’ prefixes and last use. ${readAccess}`,
    request: { params: orgId },
    success: { status: 200, description: 'The connections (never their tokens).', schema: z.strictObject({ items: z.array(scimConnection).max(100) }) },
    errors: { 404: 'No such organization, or the caller cannot see it.' },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/organizations/{orgId}/scim-connections',
    operationId: 'createScimConnection',
    summary: 'Make a SCIM connection (Okta, Entra)',
    description: `Answers the base URL and a token, shown this once (only a hash is stored): give both to the identity provider. The token alone says which organization its requests provision. ${manageAccess}`,
    request: { params: orgId, body: jsonBody(createScimConnectionInput, { example: { name: 'Okta', passwordSetup: 'none' } }) },
    success: { status: 201, description: 'Made, with its token.', schema: scimConnectionWithToken },
    errors: { ...bodyErrors, 404: 'No such organization, or the caller cannot see it.', 422: 'A missing or too long name, an unknown password setup, or an unknown field; one error per field.' },
  },
  {
    ...base,
    method: 'get',
    path: '/api/v1/organizations/{orgId}/scim-connections/{connectionId}',
    operationId: 'getScimConnection',
    summary: 'Read a SCIM connection',
    description: readAccess,
    request: { params: connectionPath },
    success: { status: 200, description: 'The connection (never its tokens).', schema: scimConnection },
    errors: { 404: 'No such organization or connection.' },
  },
  {
    ...base,
    method: 'delete',
    path: '/api/v1/organizations/{orgId}/scim-connections/{connectionId}',
    operationId: 'revokeScimConnection',
    summary: 'Revoke a SCIM connection',
    description: `Every token of it stops working at once (401 on the next request). It stays listed, revoked, with its journal. The users it provisioned stay. ${manageAccess}`,
    request: { params: connectionPath },
    success: { status: 200, description: 'The revoked connection.', schema: scimConnection },
    errors: { 404: 'No such organization or connection.', 412: 'The connection is already revoked.' },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/organizations/{orgId}/scim-connections/{connectionId}/tokens',
    operationId: 'rotateScimToken',
    summary: 'Rotate a SCIM connection’s token',
    description: `A new token, shown this once. The token that was current keeps working for ${overlapHours} hours (time to paste the new one into the identity provider); one superseded by an earlier rotation stops now, so never more than two work at once. ${manageAccess}`,
    request: { params: connectionPath },
    success: { status: 201, description: 'The connection with its new token.', schema: scimConnectionWithToken },
    errors: { 400: bodyErrors[400], 404: 'No such organization or connection.', 412: 'The connection is revoked: make a new one.' },
  },
  {
    ...base,
    method: 'get',
    path: '/api/v1/organizations/{orgId}/scim-connections/{connectionId}/requests',
    operationId: 'listScimRequests',
    summary: 'Read a SCIM connection’s request journal',
    description: `The last ${JOURNAL_SIZE} requests the identity provider made with this connection’s tokens, newest first: method, path, a summary of the operations (attribute names, never values), status, SCIM error type and latency. Requests with an unknown token belong to no connection and are not journaled. ${readAccess}`,
    request: { params: connectionPath },
    success: { status: 200, description: 'The journal, newest first.', schema: z.strictObject({ items: z.array(scimRequest).max(JOURNAL_SIZE) }) },
    errors: { 404: 'No such organization or connection.' },
  },
  {
    ...base,
    method: 'get',
    path: '/api/v1/organizations/{orgId}/scim-groups',
    operationId: 'listScimGroups',
    summary: 'List the SCIM groups and the roles they grant',
    description:
      'The groups identity providers pushed into the organization (by any of its connections), by name (at most 500), each with the organization role it grants its members and its member count. For the organization’s members and its own keys with `organizations:read`, and staff; an end user outside it, or another organization’s key, 404.',
    request: { params: orgId },
    success: { status: 200, description: 'The groups.', schema: z.strictObject({ items: z.array(scimGroup).max(500) }) },
    errors: { 404: 'No such organization, or the caller cannot see it.' },
  },
  {
    ...base,
    method: 'put',
    path: '/api/v1/organizations/{orgId}/scim-groups/{groupId}/role',
    operationId: 'setScimGroupRole',
    summary: 'Bind a SCIM group to an organization role',
    description:
      'Its members then hold at least this role in the organization (`admin` or `member`; never `owner`): each member’s role is the highest of their own and their groups’, recomputed now, each change a `member.role-changed` event. `null` unbinds the group. Identity providers can’t set this. For the organization’s owners and admins, its own keys with `organizations:write`, and staff admins and owners; its members and staff viewers get 403; an end user outside it, or another organization’s key, 404.',
    request: { params: groupPath, body: jsonBody(setScimGroupRoleInput, { example: { role: 'admin' } }) },
    success: { status: 200, description: 'The group with its role.', schema: scimGroup },
    errors: { ...bodyErrors, 404: 'No such organization or group.', 422: 'A role other than `admin`, `member` or null, or an unknown field.' },
  },
];
