import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { claimDueDeliveries } from '@/core/integrations';
import { createUser } from '@/core/users';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { webhookDeliveries, webhookEndpoints } from '@/db/schema';
import * as deliveriesRoute from '../../app/api/v1/webhook-endpoints/[id]/deliveries/route';
import * as retryRoute from '../../app/api/v1/webhook-endpoints/[id]/deliveries/[deliveryId]/retry/route';
import * as rotateRoute from '../../app/api/v1/webhook-endpoints/[id]/rotate-secret/route';
import * as itemRoute from '../../app/api/v1/webhook-endpoints/[id]/route';
import * as testRoute from '../../app/api/v1/webhook-endpoints/[id]/test/route';
import * as collectionRoute from '../../app/api/v1/webhook-endpoints/route';
import { truncateAll } from '../support/database';
import { apiKeyFor, principalFor, type TestApiKey } from '../support/principals';
import type { Problem } from '../support/problem';
import { deliverDue } from '../support/webhook-delivery';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

// /api/v1/webhook-endpoints through its Route Handlers, as integrations (Zapier-style REST hooks) call it.

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const BASE = 'http://localhost:3000';
let db: Database;
let key: TestApiKey;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
beforeEach(async () => {
  db = (await getDatabase()).db;
  await truncateAll(db);
  receiver.reset();
  key = await apiKeyFor(db, ['webhooks:write']);
});

/** Calls `handler` as Next would for `path` (params from `params`), with the test's key unless headers say otherwise. */
async function call(handler: Handler, method: string, path: string, { json, params = {}, headers = {} }: { json?: unknown; params?: Record<string, string>; headers?: Record<string, string> } = {}) {
  const init: RequestInit = { method, headers: { ...key.headers, ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } };
  if (json !== undefined) init.body = JSON.stringify(json);
  return handler(new Request(new URL(path, BASE), init), { params: Promise.resolve(params) });
}
const endpointsPath = '/api/v1/webhook-endpoints';
const create = (json: unknown, headers?: Record<string, string>) => call(collectionRoute.POST as Handler, 'POST', endpointsPath, { json, headers });

async function subscribe(events: string[] = ['*']) {
  const response = await create({ url: receiver.url, events, description: 'CRM sync' });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; secret: string; version: number; url: string };
}

describe('the REST-hook flow', () => {
  it('subscribe, receive a verified event, unsubscribe, and receive nothing more', async () => {
    const created = await subscribe(['user.created']);
    const admin = await principalFor(db, 'admin');
    const user = await createUser({ db, principal: admin }, { email: 'zap@example.com', name: 'Zap' });
    await deliverDue(db);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.verify(receiver.received[0]!, created.secret)).toMatchObject({ type: 'user.created', subject: { type: 'user', id: user.id } });

    const unsubscribed = await call(itemRoute.DELETE as Handler, 'DELETE', `${endpointsPath}/${created.id}`, { params: { id: created.id } });
    expect(unsubscribed.status).toBe(204);
    await createUser({ db, principal: admin }, { email: 'unheard@example.com', name: 'Unheard' });
    await deliverDue(db);
    expect(receiver.received).toHaveLength(1);
    expect((await call(itemRoute.GET as Handler, 'GET', `${endpointsPath}/${created.id}`, { params: { id: created.id } })).status).toBe(404);
  });
});

describe('POST /api/v1/webhook-endpoints', () => {
  it('answers 201 with Location, ETag and the secret, which no other response ever shows', async () => {
    const response = await create({ url: receiver.url, events: ['user.created', 'user.created', 'user.deleted'] });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown> & { id: string; secret: string };
    expect(response.headers.get('location')).toBe(`${BASE}${endpointsPath}/${body.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(body).toEqual({
      id: body.id,
      url: receiver.url,
      description: '',
      events: ['user.created', 'user.deleted'],
      enabled: true,
      disabledReason: null,
      failingSince: null,
      organizationId: null,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      secret: expect.stringMatching(/^whsec_/),
    });
    const listed = await (await call(collectionRoute.GET as Handler, 'GET', endpointsPath)).json();
    const single = await (await call(itemRoute.GET as Handler, 'GET', `${endpointsPath}/${body.id}`, { params: { id: body.id } })).json();
    const { secret, ...withoutSecret } = body;
    expect(listed).toEqual({ items: [withoutSecret] });
    expect(single).toEqual(withoutSecret);
    expect(JSON.stringify([listed, single])).not.toContain(secret);
  });

  it('rejects bad input with problem+json and writes nothing', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ url: receiver.url, events: ['*'], secret: 'whsec_mine' }, 422, /\/secret/],
      [{ url: 'not a url', events: ['*'] }, 422, /\/url/],
      [{ url: receiver.url, events: ['user.exploded'] }, 422, /\/events\/0/],
      [{ url: receiver.url, events: ['webhook-endpoint.created'] }, 422, /\/events\/0/],
      [{ url: receiver.url, events: [] }, 422, /\/events/],
      [{ url: receiver.url }, 422, /\/events/],
    ];
    for (const [json, status, pointer] of cases) {
      const response = await create(json);
      expect(response.status, JSON.stringify(json)).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(JSON.stringify(((await response.json()) as Problem).errors)).toMatch(pointer);
    }
    const malformed = await call(collectionRoute.POST as Handler, 'POST', endpointsPath, { headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(await db.select().from(webhookEndpoints)).toEqual([]);
  });

  it('refuses URLs on private networks unless ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS is set', async () => {
    vi.stubEnv('ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS', '');
    try {
      for (const url of [receiver.url, 'https://127.0.0.1/hooks', 'https://localhost/hooks', 'https://[::1]/hooks', 'https://169.254.169.254/']) {
        const response = await create({ url, events: ['*'] });
        expect(response.status, url).toBe(422);
        expect(((await response.json()) as Problem).errors).toEqual([{ pointer: '/url', detail: expect.stringMatching(/https:\/\/|private or reserved/) }]);
      }
    } finally {
      vi.unstubAllEnvs();
    }
    expect(await db.select().from(webhookEndpoints)).toEqual([]);
  });

  it('refuses an Idempotency-Key plainly: the answer carries a secret Roster does not keep', async () => {
    const response = await create({ url: receiver.url, events: ['*'] }, { ...key.headers, 'idempotency-key': '"one"' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).type).toBe('urn:roster:problem:idempotency-key-unsupported');
    expect(await db.select().from(webhookEndpoints)).toEqual([]);
  });

  it('needs webhooks:write', async () => {
    for (const scopes of [['users:read'], ['users:read', 'users:write'], ['events:read']] as const) {
      const other = await apiKeyFor(db, [...scopes]);
      expect((await create({ url: receiver.url, events: ['*'] }, other.headers)).status).toBe(403);
    }
    expect((await create({ url: receiver.url, events: ['*'] }, { authorization: '' })).status).toBe(401);
  });
});

describe('/api/v1/webhook-endpoints/{id}', () => {
  it('PATCH changes url, events, description and enabled, with If-Match; a stale one is 412', async () => {
    const created = await subscribe();
    const patch = (json: unknown, headers: Record<string, string> = {}) => call(itemRoute.PATCH as Handler, 'PATCH', `${endpointsPath}/${created.id}`, { json, params: { id: created.id }, headers });
    const disabled = await patch({ enabled: false, events: ['user.updated'], description: 'paused' }, { 'if-match': '"1"' });
    expect(disabled.status).toBe(200);
    expect(disabled.headers.get('etag')).toBe('"2"');
    expect(await disabled.json()).toMatchObject({ enabled: false, disabledReason: 'manual', events: ['user.updated'], description: 'paused', version: 2 });
    const stale = await patch({ enabled: true }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(await (await patch({ enabled: true })).json()).toMatchObject({ enabled: true, disabledReason: null, version: 3 });
    expect((await patch({ id: 'mine' })).status).toBe(422);
  });

  it('is 404 for an unknown or malformed id, on every method', async () => {
    for (const id of ['01900000-0000-7000-8000-000000000000', 'nope', '%']) {
      for (const [handler, method] of [
        [itemRoute.GET, 'GET'],
        [itemRoute.PATCH, 'PATCH'],
        [itemRoute.DELETE, 'DELETE'],
        [rotateRoute.POST, 'POST'],
        [testRoute.POST, 'POST'],
        [deliveriesRoute.GET, 'GET'],
      ] as const) {
        const response = await call(handler as Handler, method, `${endpointsPath}/x`, { params: { id }, json: method === 'PATCH' ? { description: 'x' } : undefined });
        expect(response.status, `${method} ${id}`).toBe(404);
      }
    }
  });

  it('rotates the secret (the new one shown once), sends a test event, pages deliveries and resends one', async () => {
    const created = await subscribe();
    const rotated = await call(rotateRoute.POST as Handler, 'POST', `${endpointsPath}/${created.id}/rotate-secret`, { params: { id: created.id } });
    expect(rotated.status).toBe(200);
    const { secret } = (await rotated.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);

    const tested = await call(testRoute.POST as Handler, 'POST', `${endpointsPath}/${created.id}/test`, { params: { id: created.id } });
    expect(tested.status).toBe(202);
    const delivery = (await tested.json()) as { id: string; eventId: string; eventType: string; status: string };
    expect(delivery).toMatchObject({ eventType: 'webhook.test', status: 'pending' });
    await deliverDue(db);
    // Signed with both secrets during the overlap: either one verifies.
    expect(receiver.verify(receiver.received[0]!, secret)).toMatchObject({ type: 'webhook.test' });
    expect(receiver.verify(receiver.received[0]!, created.secret)).toMatchObject({ type: 'webhook.test' });

    const page = await call(deliveriesRoute.GET as Handler, 'GET', `${endpointsPath}/${created.id}/deliveries?limit=1`, { params: { id: created.id } });
    expect(await page.json()).toEqual({ items: [expect.objectContaining({ id: delivery.id, status: 'succeeded', attempts: 1, lastStatusCode: 200 })], nextCursor: null });
    expect((await call(deliveriesRoute.GET as Handler, 'GET', `${endpointsPath}/${created.id}/deliveries?cursor=forged`, { params: { id: created.id } })).status).toBe(400);

    const retried = await call(retryRoute.POST as Handler, 'POST', `${endpointsPath}/${created.id}/deliveries/${delivery.id}/retry`, { params: { id: created.id, deliveryId: delivery.id } });
    expect(retried.status).toBe(202);
    expect(await retried.json()).toMatchObject({ id: delivery.id, status: 'pending' });
    await deliverDue(db);
    expect(receiver.received.map((webhook) => webhook.headers['webhook-id'])).toEqual([delivery.eventId, delivery.eventId]);
    const [stored] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery.id));
    expect(stored).toMatchObject({ status: 'succeeded', attempts: 2 });
  });
});

describe('who may change an endpoint, and when', () => {
  it('a resend while an attempt is being sent is a 409 problem, and takes nothing over', async () => {
    const created = await subscribe();
    const tested = (await (await call(testRoute.POST as Handler, 'POST', `${endpointsPath}/${created.id}/test`, { params: { id: created.id } })).json()) as { id: string };
    const [sending] = await claimDueDeliveries(db); // a process holds it: its lease is live
    const retry = () => call(retryRoute.POST as Handler, 'POST', `${endpointsPath}/${created.id}/deliveries/${tested.id}/retry`, { params: { id: created.id, deliveryId: tested.id } });

    const refused = await retry();
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(((await refused.json()) as Problem).detail).toMatch(/being sent right now/);
    expect(await db.select().from(webhookDeliveries)).toMatchObject([{ id: tested.id, leaseToken: sending!.leaseToken, attempts: 0 }]);
  });

  it('an admin’s key may not change an endpoint an owner’s (or the CLI’s) key made: 403, and the endpoint is as it was', async () => {
    const created = await subscribe(); // by the test's key, which the CLI made
    const adminsKey = await apiKeyFor(db, ['webhooks:write'], { createdBy: await principalFor(db, 'admin') });
    const item = `${endpointsPath}/${created.id}`;
    for (const [handler, method, path] of [
      [itemRoute.PATCH, 'PATCH', item],
      [itemRoute.DELETE, 'DELETE', item],
      [rotateRoute.POST, 'POST', `${item}/rotate-secret`],
      [testRoute.POST, 'POST', `${item}/test`],
    ] as const) {
      const response = await call(handler as Handler, method, path, { params: { id: created.id }, headers: adminsKey.headers, json: method === 'PATCH' ? { enabled: false } : undefined });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(((await response.json()) as Problem).detail).toMatch(/Only owners/);
    }
    expect((await call(itemRoute.GET as Handler, 'GET', item, { params: { id: created.id }, headers: adminsKey.headers })).status).toBe(200);
    expect(await db.select().from(webhookEndpoints)).toMatchObject([{ id: created.id, version: 1, enabled: true }]);
  });
});

