import 'server-only';
import { z } from 'zod';
import { apiKeyPrefix, apiKeySecret, createOrganizationApiKeyInput, organizationKeyScopes } from '@/core/api-keys';
import { API_KEY_NAME_MAX } from '@/core/api-keys/schemas';
import { isoDateTime, UNPAGED_LIST_MAX, uuid } from '@/core/bounds';
import { createEndpointInput, signingSecret, webhookEndpointDto } from '@/core/integrations';
import { apiKeyScopes } from '@/core/principal';
import { jsonBody, pathId, type Operation } from './operation';
import { endpoint } from './webhook-endpoints';

const organizationId = '01936f90-1a2b-7cc2-9d5e-3b6a2f0e4d1b';
const keyExample = {
  id: '01936f91-2b3c-7cc2-9d5e-3b6a2f0e4d1c',
  name: 'Acme’s CRM sync',
  prefix: 'rst_Xy12ab',
  scopes: ['organizations:read', 'events:read'],
  createdBy: '01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d1a',
  organizationId,
  createdAt: '2026-12-01T09:30:00.000Z',
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
  madeBy: 'member',
};

/** ApiKeyDto (src/core/api-keys/dto.ts), published. */
const apiKeyDto = z.strictObject({
  id: uuid(),
  name: z.string().max(API_KEY_NAME_MAX),
  prefix: apiKeyPrefix.meta({ description: 'The secret’s first characters, to tell keys apart: not enough to use it.' }),
  scopes: z.array(z.enum(apiKeyScopes)).max(apiKeyScopes.length),
  createdBy: uuid().nullable().meta({ description: 'Who made it; null for keys made by the CLI.' }),
  organizationId: uuid().nullable().meta({ description: 'The organization that owns it: it acts only inside that organization.' }),
  createdAt: isoDateTime(),
  expiresAt: isoDateTime().nullable(),
  lastUsedAt: isoDateTime().nullable().meta({ description: 'To the minute.' }),
  revokedAt: isoDateTime().nullable(),
  madeBy: z.enum(['member', 'viewer', 'admin', 'owner']).meta({ description: 'The global role of whoever made it (`owner` for the CLI’s keys).' }),
});
const apiKey = apiKeyDto.meta({ id: 'ApiKey', description: 'An API key: never its secret or the secret’s hash.', example: keyExample });
const apiKeyWithSecret = apiKeyDto
  .extend({ secret: apiKeySecret.meta({ description: 'The key (`rst_…`): shown only in this answer; send it as `Authorization: Bearer <secret>`.' }) })
  .meta({ id: 'ApiKeyWithSecret', description: 'A new API key and its secret, shown this once.' });
const endpointWithSecret = webhookEndpointDto
  .extend({ secret: signingSecret.meta({ description: 'The signing secret (`whsec_…`): shown only in this answer.' }) })
  .meta({ id: 'OrganizationWebhookEndpointWithSecret', description: 'An organization’s new webhook endpoint and its signing secret, shown this once.' });

const orgId = z.object({ orgId: pathId('The organization’s id; anything else, or one the caller cannot see, is a 404.', organizationId) });
const keyPath = orgId.extend({ id: pathId('The key’s id; a key of another organization is a 404.', keyExample.id) });
const bodyErrors = {
  400: 'Malformed JSON, or an `Idempotency-Key` (not supported here: the answer carries a secret Roster does not keep).',
  413: 'The body is over 1 MB.',
  415: 'The body is not JSON.',
};
const keyAccess =
  'For staff who manage API keys (admins and owners) and the organization’s own owners and admins; its members, viewers and keys get 403; an end user outside it, or another organization’s key, 404.';
const endpointAccess =
  'For staff with `webhooks:write` and the organization’s own keys with `webhooks:write` (another organization’s key gets 404). Afterwards the endpoint is managed at `/api/v1/webhook-endpoints/{id}`, where an organization’s key sees only its organization’s endpoints.';
const base = { tag: 'Organizations', access: 'any-credential' } as const;

export const organizationKeysOperations: Operation[] = [
  {
    ...base,
    method: 'get',
    path: '/api/v1/organizations/{orgId}/api-keys',
    operationId: 'listOrganizationApiKeys',
    summary: 'List an organization’s API keys',
    description: `Newest first, revoked and expired ones included. ${keyAccess}`,
    request: { params: orgId },
    success: { status: 200, description: 'The organization’s keys (never their secrets).', schema: z.strictObject({ items: z.array(apiKey).max(UNPAGED_LIST_MAX) }) },
    errors: { 404: 'No such organization, or the caller cannot see it.' },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/organizations/{orgId}/api-keys',
    operationId: 'createOrganizationApiKey',
    summary: 'Make an organization-owned API key',
    description:
      `The key acts only inside this organization: its routes, per its scopes (\`organizations:write\` as an admin of it, \`organizations:read\` as a member), its events (\`events:read\`: the stream and the audit trail show only events with its \`organizationId\`) and its webhook endpoints (\`webhooks:write\`); anything outside it is 403 or 404. It stops working when its maker is no longer an owner or admin of the organization (or staff who manage keys). Scopes: ${organizationKeyScopes.join(', ')}. ${keyAccess}`,
    request: { params: orgId, body: jsonBody(createOrganizationApiKeyInput, { example: { name: keyExample.name, scopes: keyExample.scopes } }) },
    success: { status: 201, description: 'Made, with its secret.', schema: apiKeyWithSecret },
    errors: { ...bodyErrors, 404: 'No such organization, or the caller cannot see it.', 422: 'A missing name, a scope an organization’s key cannot have, a past expiry, or an unknown field; one error per field.' },
  },
  {
    ...base,
    method: 'delete',
    path: '/api/v1/organizations/{orgId}/api-keys/{id}',
    operationId: 'revokeOrganizationApiKey',
    summary: 'Revoke an organization’s API key',
    description: `Takes effect on the key’s next request, and disables the webhook endpoints it made. The key stays listed, revoked. ${keyAccess}`,
    request: { params: keyPath },
    success: { status: 200, description: 'The revoked key.', schema: apiKey },
    errors: { 404: 'No such organization or key (a key of another organization is not found here).', 412: 'The key is already revoked.' },
  },
  {
    ...base,
    method: 'get',
    path: '/api/v1/organizations/{orgId}/webhook-endpoints',
    operationId: 'listOrganizationWebhookEndpoints',
    summary: 'List an organization’s webhook endpoints',
    description: endpointAccess,
    request: { params: orgId },
    success: { status: 200, description: 'Its endpoints, newest first (never their secrets).', schema: z.strictObject({ items: z.array(endpoint).max(UNPAGED_LIST_MAX) }) },
    errors: { 404: 'No such organization, or the caller cannot see it.' },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/organizations/{orgId}/webhook-endpoints',
    operationId: 'createOrganizationWebhookEndpoint',
    summary: 'Subscribe an organization’s webhook endpoint',
    description: `The endpoint is sent only events whose \`organizationId\` is this organization. ${endpointAccess}`,
    request: { params: orgId, body: jsonBody(createEndpointInput, { example: { url: 'https://crm.example.com/hooks/roster', events: ['member.added', 'member.removed'] } }) },
    success: { status: 201, description: 'Created, with its secret.', schema: endpointWithSecret, headers: ['Location', 'ETag'] },
    errors: { ...bodyErrors, 404: 'No such organization, or the caller cannot see it.', 422: 'An invalid URL (not https, or on a private network), an unknown event type, or an unknown field; one error per field.' },
  },
];
