import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { checkoutSession, invoice, subscription } from '@/core/billing/stripe-objects';
import { handledEventTypes } from '@/core/webhooks';
import { fillPlaceholders, prepareEvent, webhookEndpoint } from '../../scripts/roster/webhook-send';

// The fixtures `npm run roster -- webhook:send` sends, and how it prepares and signs them.

const fixtureDir = path.resolve(import.meta.dirname, '../../fixtures/stripe');
const fixtures = readdirSync(fixtureDir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({ name, event: JSON.parse(readFileSync(path.join(fixtureDir, name), 'utf8')) as { type: string; data: { object: unknown } } }));

// The core's own schema for the object each handled type carries.
const schemas: Record<(typeof handledEventTypes)[number], { safeParse: (value: unknown) => { success: boolean } }> = {
  'checkout.session.completed': checkoutSession,
  'customer.subscription.created': subscription,
  'customer.subscription.updated': subscription,
  'customer.subscription.deleted': subscription,
  'invoice.payment_failed': invoice,
};

describe('Stripe fixtures', () => {
  it('has one per handled event type, plus an unhandled one, each named after its type', () => {
    for (const { name, event } of fixtures) expect(name).toBe(`${event.type}.json`);
    const types = fixtures.map(({ event }) => event.type);
    for (const type of handledEventTypes) expect(types).toContain(type);
    expect(types.some((type) => !(handledEventTypes as readonly string[]).includes(type))).toBe(true);
  });

  it.each(fixtures.filter(({ event }) => event.type in schemas))('$name carries an object the core accepts, placeholders filled', ({ event }) => {
    const filled = prepareEvent(event) as unknown as typeof event;
    expect(schemas[event.type as keyof typeof schemas].safeParse(filled.data.object).success).toBe(true);
    expect(JSON.stringify(filled)).not.toMatch(/"\{\{\w+\}\}"/);
  });
});

describe('prepareEvent', () => {
  const fixture = {
    id: 'evt_fixture',
    created: 1,
    type: 'checkout.session.completed',
    data: { object: { client_reference_id: '{{user}}', customer: '{{customer}}', url: 'x?id={{customer}}', list: ['{{email}}'] } },
  };

  it('gives every send a fresh id and created = now, unless keepId', () => {
    const now = new Date('2030-01-02T03:04:05.678Z');
    const a = prepareEvent(fixture, { now });
    const b = prepareEvent(fixture, { now });
    expect(a.id).toMatch(/^evt_[0-9a-f]{24}$/);
    expect(b.id).not.toBe(a.id);
    expect(a.created).toBe(Math.floor(now.getTime() / 1000));
    expect(prepareEvent(fixture, { keepId: true })).toMatchObject({ id: 'evt_fixture', created: 1 });
  });

  it('fills whole-string placeholders from the values, else their defaults', () => {
    const event = prepareEvent(fixture, { values: { customer: 'cus_1', email: 'a@example.com' } });
    expect(event.data).toEqual({ object: { client_reference_id: null, customer: 'cus_1', url: 'x?id={{customer}}', list: ['a@example.com'] } });
    expect((prepareEvent(fixture, { values: { user: 'u1' } }).data as { object: { client_reference_id: string } }).object.client_reference_id).toBe('u1');
  });

  it('derives the subscription id from the customer unless one is given', () => {
    const subscriptionOf = (values: Record<string, string>) =>
      (prepareEvent({ type: 't', data: { object: { subscription: '{{subscription}}' } } }, { values }).data as { object: { subscription: string } }).object.subscription;
    expect(subscriptionOf({ customer: 'cus_ada' })).toBe('sub_ada');
    expect(subscriptionOf({ customer: 'cus_ada', subscription: 'sub_x' })).toBe('sub_x');
    expect(subscriptionOf({})).toBe('sub_RosterLocal0001');
  });

  it('refuses unknown placeholders and what is not an event', () => {
    expect(() => fillPlaceholders({ a: '{{nope}}' }, {})).toThrow(/unknown placeholder \{\{nope\}\}/);
    expect(() => prepareEvent({ type: 'x' })).toThrow(/not a Stripe event/);
    expect(() => prepareEvent([])).toThrow(/not a Stripe event/);
    expect(() => prepareEvent({ type: 'x', data: { object: {} } }, { keepId: true })).toThrow(/--keep-id/);
  });

  it('signs what the server verifies with the same secret, and only with it', () => {
    const payload = JSON.stringify(prepareEvent(fixture), null, 2);
    const secret = 'whsec_unit_test';
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    expect(Stripe.webhooks.constructEvent(payload, header, secret).type).toBe('checkout.session.completed');
    expect(() => Stripe.webhooks.constructEvent(payload, header, 'whsec_other')).toThrow();
  });
});

describe('webhookEndpoint', () => {
  it('appends the Stripe route to the server URL, keeping a base path', () => {
    expect(webhookEndpoint('http://localhost:3000')).toBe('http://localhost:3000/api/webhooks/stripe');
    expect(webhookEndpoint('https://example.com/roster/?x=1')).toBe('https://example.com/roster/api/webhooks/stripe');
    expect(() => webhookEndpoint('localhost:3000')).toThrow(/--url/);
    expect(() => webhookEndpoint('ftp://example.com')).toThrow(/--url/);
  });
});
