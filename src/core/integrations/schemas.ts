import 'server-only';
import { z } from 'zod';
import { eventTypes } from '../events';
import { pageCursor, pageLimit } from '../page-query';

/**
 * What webhooks can carry: every change to the product's data. Changes to the webhooks themselves (endpoints,
 * deliveries) are in the event log, the audit trail and the SSE stream, but are never sent to a webhook.
 */
export const deliverableEventTypes = eventTypes.filter((type) => !type.startsWith('webhook-endpoint.') && !type.startsWith('webhook-delivery.'));
export const isDeliverable = (type: string) => (deliverableEventTypes as readonly string[]).includes(type);
export const subscribable = ['*', ...deliverableEventTypes] as [string, ...string[]];
export const URL_MAX = 2_000;
export const DESCRIPTION_MAX = 500;

const url = z
  .string({ error: 'URL is required' })
  .trim()
  .max(URL_MAX, 'URL must be at most 2,000 characters')
  .refine((value) => URL.canParse(value), 'URL must be an absolute URL, e.g. https://example.com/hooks/roster')
  .transform((value) => new URL(value))
  // What is stored is the normalised URL (punycode, percent-encoding), which can outgrow what was typed.
  .refine((value) => value.href.length <= URL_MAX, 'URL must be at most 2,000 characters')
  .meta({ format: 'uri' });

const events = z
  .array(z.enum(subscribable, { error: `Events must be among: ${subscribable.join(', ')}` }), { error: 'Choose the events to send' })
  .min(1, 'Choose at least one event type, or "*" for all')
  .max(subscribable.length, `Choose at most ${subscribable.length} event types`)
  .transform((types) => (types.includes('*') ? ['*'] : [...new Set(types)]));

const description = z
  .string()
  .trim()
  .max(DESCRIPTION_MAX, `Description must be at most ${DESCRIPTION_MAX} characters`)
  .refine((value) => !value.includes('\u0000'), 'Description contains characters that cannot be stored');

const strict = { error: (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? 'Unknown field' : 'Expected an object') };

export const createEndpointInput = z.strictObject({ url, events, description: description.optional() }, strict);
export const updateEndpointInput = z.strictObject(
  { url: url.optional(), events: events.optional(), description: description.optional(), enabled: z.boolean({ error: 'enabled must be true or false' }).optional() },
  strict,
);

export const listDeliveriesQuery = z.object({
  limit: pageLimit,
  cursor: pageCursor,
});

export type CreateEndpointInput = z.input<typeof createEndpointInput>;
export type UpdateEndpointInput = z.input<typeof updateEndpointInput>;
