import 'server-only';
import { z } from 'zod';
import { UNPAGED_LIST_MAX } from '@/core/bounds';
import { createEndpointInput, listDeliveriesQuery, signingSecret, updateEndpointInput, webhookDeliveryDto, webhookDeliveryPage, webhookEndpointDto } from '@/core/integrations';
import { ifMatchHeader, jsonBody, pathId, type Operation } from './operation';

const endpointExample = {
  id: '01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d1b',
  url: 'https://hooks.zapier.com/hooks/catch/123/abc/',
  description: 'CRM sync',
  events: ['user.created', 'user.updated'],
  enabled: true,
  disabledReason: null,
  failingSince: null,
  organizationId: null,
  version: 1,
  createdAt: '2026-12-01T09:30:00.000Z',
  updatedAt: '2026-12-01T09:30:00.000Z',
};
export const endpoint = webhookEndpointDto.meta({ id: 'WebhookEndpoint', description: 'Where Roster sends signed webhooks (Standard Webhooks).', example: endpointExample });
const withSecret = webhookEndpointDto
  .extend({ secret: signingSecret.meta({ description: 'The signing secret (`whsec_…`): shown only in this answer.' }) })
  .meta({ id: 'WebhookEndpointWithSecret', description: 'A webhook endpoint and its signing secret, shown this once.' });
const delivery = webhookDeliveryDto.meta({ id: 'WebhookDelivery', description: 'One event for one endpoint, with its latest attempt.' });
const deliveryPage = webhookDeliveryPage.meta({ id: 'WebhookDeliveryPage', description: 'One page of deliveries, newest first.' });
const endpointId = z.object({ id: pathId('The endpoint’s id; anything else is a 404.', endpointExample.id) });
const ifMatch = ifMatchHeader('the endpoint');
const notFound = { 400: 'A malformed percent-encoding in the path.', 404: 'No such endpoint (or a malformed id).' };
/** The changes to one endpoint: admins make them only to what admins (or their keys) made. */
const ownersOnly = {
  403: 'The credentials lack `webhooks:write`, or an owner made this endpoint (or an owner’s or the CLI’s key did) and the caller is an admin or an admin’s key: only owners may change it.',
};
const bodyErrors = {
  400: 'Malformed JSON, a malformed `If-Match`, or an `Idempotency-Key` (not supported here: the answer carries a secret Roster does not keep).',
  413: 'The body is over 1 MB.',
  415: 'The body is not JSON.',
  422: 'An invalid URL (not https, or on a private network), an unknown event type, or an unknown field; one error per field.',
};
const base = { tag: 'Webhooks', access: 'any-credential' } as const;

export const webhookEndpointOperations: Operation[] = [
  {
    ...base,
    method: 'get',
    path: '/api/v1/webhook-endpoints',
    operationId: 'listWebhookEndpoints',
    summary: 'List webhook endpoints',
    description: 'Needs `webhooks:write` (admins, owners, or a key with the scope).',
    success: { status: 200, description: 'Every endpoint, newest first (never their secrets).', schema: z.strictObject({ items: z.array(endpoint).max(UNPAGED_LIST_MAX) }) },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/webhook-endpoints',
    operationId: 'createWebhookEndpoint',
    summary: 'Subscribe: add a webhook endpoint',
    description: 'The REST-hook subscribe call. The answer carries the signing secret, this once. `events: ["*"]` sends every deliverable event.',
    request: { body: jsonBody(createEndpointInput, { example: { url: endpointExample.url, events: endpointExample.events, description: 'CRM sync' } }) },
    success: { status: 201, description: 'Created, with its secret.', schema: withSecret, headers: ['Location', 'ETag'] },
    errors: bodyErrors,
  },
  {
    ...base,
    method: 'get',
    path: '/api/v1/webhook-endpoints/{id}',
    operationId: 'getWebhookEndpoint',
    summary: 'Get a webhook endpoint',
    description: 'The endpoint (never its signing secret), with its version as `ETag`: send it back as `If-Match` to change or delete only what you read.',
    request: { params: endpointId },
    success: { status: 200, description: 'The endpoint.', schema: endpoint, headers: ['ETag'] },
    errors: notFound,
  },
  {
    ...base,
    method: 'patch',
    path: '/api/v1/webhook-endpoints/{id}',
    operationId: 'updateWebhookEndpoint',
    summary: 'Change a webhook endpoint',
    description:
      '`enabled: false` stops deliveries; `enabled: true` resumes them, clears why it was disabled, and makes the caller the endpoint’s maker (it is disabled again when the caller loses `webhooks:write`).',
    request: { params: endpointId, headers: ifMatch, body: jsonBody(updateEndpointInput, { example: { enabled: false } }) },
    success: { status: 200, description: 'The changed endpoint.', schema: endpoint, headers: ['ETag'] },
    errors: { ...bodyErrors, ...notFound, ...ownersOnly, 400: bodyErrors[400], 412: 'The endpoint changed since the `If-Match` version.' },
  },
  {
    ...base,
    method: 'delete',
    path: '/api/v1/webhook-endpoints/{id}',
    operationId: 'deleteWebhookEndpoint',
    summary: 'Unsubscribe: delete a webhook endpoint',
    description: 'With `If-Match`, only if the endpoint is still the version you read (else 412).',
    request: { params: endpointId, headers: ifMatch },
    success: { status: 204, description: 'Deleted: nothing more is sent to it.' },
    errors: { ...notFound, ...ownersOnly, 400: 'A malformed `If-Match` or percent-encoding in the path.', 412: 'The endpoint changed since the `If-Match` version.' },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/webhook-endpoints/{id}/rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary: 'Rotate the signing secret',
    description: 'For 24 hours deliveries carry signatures by both the new and the old secret.',
    request: { params: endpointId },
    success: { status: 200, description: 'The endpoint and its new secret, shown this once.', schema: withSecret, headers: ['ETag'] },
    errors: { ...notFound, ...ownersOnly },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/webhook-endpoints/{id}/test',
    operationId: 'sendTestWebhook',
    summary: 'Send a test event',
    description: 'Queues a `webhook.test` event for this endpoint alone, signed and retried like any other.',
    request: { params: endpointId },
    success: { status: 202, description: 'Queued.', schema: delivery },
    errors: { ...notFound, ...ownersOnly },
  },
  {
    ...base,
    method: 'get',
    path: '/api/v1/webhook-endpoints/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'The endpoint’s delivery log',
    description: 'Newest first, keyset-paginated: pass `nextCursor` back as `cursor`.',
    request: { params: endpointId, query: listDeliveriesQuery },
    success: { status: 200, description: 'A page of deliveries.', schema: deliveryPage },
    errors: { ...notFound, 400: 'A bad query parameter or a tampered cursor.' },
  },
  {
    ...base,
    method: 'post',
    path: '/api/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/retry',
    operationId: 'retryWebhookDelivery',
    summary: 'Send a delivery again',
    description: 'Now, with the same `webhook-id`, whatever became of it; not while an attempt is being sent (409).',
    request: { params: endpointId.extend({ deliveryId: pathId('The delivery’s id.') }) },
    success: { status: 202, description: 'Queued again.', schema: delivery },
    errors: { ...notFound, ...ownersOnly, 404: 'No such endpoint or delivery.', 409: 'An attempt of this delivery is being sent right now: resend once it is recorded.' },
  },
];
