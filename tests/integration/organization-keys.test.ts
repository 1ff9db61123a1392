import { asc, eq, min } from 'drizzle-orm';
import { EventSource } from 'eventsource';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { authenticateApiKey, createOrganizationApiKey } from '@/core/api-keys';
import type { EventDto } from '@/core/events';
import { createWebhookEndpoint, dispatchEvents } from '@/core/integrations';
import { addMember, changeMemberRole, deleteOrganization } from '@/core/organizations';
import type { ApiKeyScope, Principal } from '@/core/principal';
import { createUser } from '@/core/users';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { apiKeys, auditEvents, organizationMembers, webhookDeliveries, webhookEndpoints } from '@/db/schema';
import { closeEventFeed } from '@/server/event-feed';
import * as eventsRoute from '../../app/api/v1/events/route';
import { describeEachDatabase, truncateAll } from '../support/database';
import { onEveryEvent } from '../support/event-source';
import { callApi, seedOrganization } from '../support/organizations';
import { reservePorts } from '../support/ports';
import { apiKeyFor, bearerFor, insertUser, principalFor, systemPrincipal, type SignedInUser, type TestApiKey } from '../support/principals';
import type { Problem } from '../support/problem';
import { serveRoutes, type RouteServer } from '../support/route-server';
import { deliverDue, loopback, secrets } from '../support/webhook-delivery';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

// Organization-owned API keys: made by an organization's owners and admins (or staff), they act only inside that
// organization: its routes, its events (the SSE stream through a real EventSource, the audit trail) and its webhook
// endpoints (a real receiver verifies what they are sent).

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

let db: Database;
let owner: SignedInUser;
let acme: { id: string };
let globex: { id: string };

beforeEach(async () => {
  db = (await getDatabase()).db;
  await truncateAll(db);
  owner = await bearerFor(db, 'member');
  acme = await seedOrganization(db, 'acme', owner.userId);
  globex = await seedOrganization(db, 'globex', (await insertUser(db, 'member')).id);
});

const as = (who: { headers: { authorization: string } }) => ({ headers: who.headers });

async function expectStatus(response: Response, status: number): Promise<Record<string, unknown>> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** A key of `organizationId` made by the CLI (staff), through the core: only here is its secret known. */
async function organizationKey(organizationId: string, scopes: ApiKeyScope[]): Promise<TestApiKey> {
  const { apiKey, secret } = await createOrganizationApiKey({ db, principal: systemPrincipal() }, organizationId, { name: `key of ${organizationId}`, scopes });
  return { id: apiKey.id, secret, headers: { authorization: `Bearer ${secret}` } };
}

const keyRows = () => db.select({ id: apiKeys.id, organizationId: apiKeys.organizationId, revokedAt: apiKeys.revokedAt }).from(apiKeys).orderBy(asc(apiKeys.createdAt));

describe('managing an organization’s keys', () => {
  it('its owner makes one (the secret shown once), lists and revokes it; the events carry the organization', async () => {
    const created = await expectStatus(
      await callApi('POST', `/api/v1/organizations/${acme.id}/api-keys`, { json: { name: 'CRM', scopes: ['organizations:read', 'events:read'] }, ...as(owner) }),
      201,
    );
    expect(created).toMatchObject({ name: 'CRM', scopes: ['organizations:read', 'events:read'], organizationId: acme.id, createdBy: owner.userId, revokedAt: null, madeBy: 'member' });
    expect(created.secret).toMatch(/^rst_/);
    const listed = await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/api-keys`, as(owner)), 200);
    const { secret, ...withoutSecret } = created;
    expect(listed).toEqual({ items: [withoutSecret] });
    expect(JSON.stringify(listed)).not.toContain((secret as string).slice(10));

    // The key works: it reads its organization.
    const key = { headers: { authorization: `Bearer ${secret as string}` } };
    await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}`, as(key)), 200);

    const revoked = await expectStatus(await callApi('DELETE', `/api/v1/organizations/${acme.id}/api-keys/${created.id as string}`, as(owner)), 200);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}`, as(key)), 401);
    const events = await db
      .select({ type: auditEvents.action, organizationId: auditEvents.organizationId, data: auditEvents.data })
      .from(auditEvents)
      .where(eq(auditEvents.subjectId, created.id as string))
      .orderBy(asc(auditEvents.position));
    expect(events.map(({ type, organizationId }) => ({ type, organizationId }))).toEqual([
      { type: 'api-key.created', organizationId: acme.id },
      { type: 'api-key.revoked', organizationId: acme.id },
    ]);
    expect(JSON.stringify(events)).not.toContain((secret as string).slice(4));
  });

  it('staff who manage keys may; its members, viewers, outsiders and keys may not, and nothing changes', async () => {
    const member = await bearerFor(db, 'member');
    const admin = await bearerFor(db, 'member');
    await addMember({ db, principal: systemPrincipal() }, acme.id, { userId: member.userId, role: 'member' });
    await addMember({ db, principal: systemPrincipal() }, acme.id, { userId: admin.userId, role: 'admin' });
    const outsider = await bearerFor(db, 'member');
    const viewer = await bearerFor(db, 'viewer');
    const acmeKey = await organizationKey(acme.id, ['organizations:write']);
    const globexKey = await organizationKey(globex.id, ['organizations:write']);
    const globalKey = await apiKeyFor(db, ['organizations:write']);
    const body = { json: { name: 'x', scopes: ['organizations:read'] } };
    const before = await keyRows();
    for (const [who, status] of [
      [member, 403],
      [viewer, 403],
      [acmeKey, 403],
      [globalKey, 403],
      [outsider, 404],
      [globexKey, 404],
    ] as const) {
      await expectStatus(await callApi('POST', `/api/v1/organizations/${acme.id}/api-keys`, { ...body, ...as(who) }), status);
      await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/api-keys`, as(who)), status);
      await expectStatus(await callApi('DELETE', `/api/v1/organizations/${acme.id}/api-keys/${acmeKey.id}`, as(who)), status);
    }
    expect(await keyRows()).toEqual(before);
    await expectStatus(await callApi('POST', `/api/v1/organizations/${acme.id}/api-keys`, { ...body, ...as(admin) }), 201);
    await expectStatus(await callApi('POST', `/api/v1/organizations/${acme.id}/api-keys`, { ...body, ...as(await bearerFor(db, 'admin')) }), 201);
  });

  it('a key of another organization is not found through this one; users:* scopes are refused for organization keys', async () => {
    const globexKey = await organizationKey(globex.id, ['organizations:read']);
    const problem = (await expectStatus(await callApi('DELETE', `/api/v1/organizations/${acme.id}/api-keys/${globexKey.id}`, as(owner)), 404)) as unknown as Problem;
    expect(problem.status).toBe(404);
    expect((await keyRows()).find((row) => row.id === globexKey.id)?.revokedAt).toBeNull();
    const refused = (await expectStatus(
      await callApi('POST', `/api/v1/organizations/${acme.id}/api-keys`, { json: { name: 'x', scopes: ['users:read'] }, ...as(owner) }),
      422,
    )) as unknown as Problem;
    expect(refused.errors?.[0]?.pointer).toMatch(/^\/scopes/);
  });

  it('a key is worth no more than its maker: it stops working when they are no longer an owner or admin there', async () => {
    const admin = await bearerFor(db, 'member');
    await addMember({ db, principal: systemPrincipal() }, acme.id, { userId: admin.userId, role: 'admin' });
    const created = await expectStatus(await callApi('POST', `/api/v1/organizations/${acme.id}/api-keys`, { json: { name: 'x', scopes: ['organizations:read'] }, ...as(admin) }), 201);
    const key = { headers: { authorization: `Bearer ${created.secret as string}` } };
    await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/members`, as(key)), 200);
    await changeMemberRole({ db, principal: systemPrincipal() }, acme.id, admin.userId, { role: 'member' });
    await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/members`, as(key)), 401);
  });
});

describe('what an organization’s key may do', () => {
  it('lists its members, but not /api/v1/users, not another organization, not the list of organizations', async () => {
    const key = await organizationKey(acme.id, ['organizations:read', 'events:read', 'webhooks:write']);
    const members = await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/members`, as(key)), 200);
    expect((members.items as { userId: string }[]).map((member) => member.userId)).toEqual([owner.userId]);
    await expectStatus(await callApi('GET', '/api/v1/users', as(key)), 403);
    await expectStatus(await callApi('GET', `/api/v1/users/${owner.userId}`, as(key)), 403);
    await expectStatus(await callApi('GET', `/api/v1/organizations/${globex.id}`, as(key)), 404);
    await expectStatus(await callApi('GET', `/api/v1/organizations/${globex.id}/members`, as(key)), 404);
    await expectStatus(await callApi('GET', '/api/v1/organizations', as(key)), 403);
  });

  it('with organizations:write it manages members as an admin of its organization would, and only there', async () => {
    const key = await organizationKey(acme.id, ['organizations:write']);
    const bob = await insertUser(db, 'member');
    await expectStatus(await callApi('POST', `/api/v1/organizations/${acme.id}/members`, { json: { userId: bob.id, role: 'member' }, ...as(key) }), 201);
    // Not an owner: it may neither make owners nor delete the organization.
    await expectStatus(await callApi('PATCH', `/api/v1/organizations/${acme.id}/members/${bob.id}`, { json: { role: 'owner' }, ...as(key) }), 403);
    await expectStatus(await callApi('DELETE', `/api/v1/organizations/${acme.id}`, as(key)), 403);
    await expectStatus(await callApi('POST', `/api/v1/organizations/${globex.id}/members`, { json: { userId: bob.id, role: 'member' }, ...as(key) }), 404);
    const memberships = await db.select({ organizationId: organizationMembers.organizationId, role: organizationMembers.role }).from(organizationMembers).where(eq(organizationMembers.userId, bob.id));
    expect(memberships).toEqual([{ organizationId: acme.id, role: 'member' }]);
    // A read key writes nothing.
    const readKey = await organizationKey(acme.id, ['organizations:read']);
    await expectStatus(await callApi('DELETE', `/api/v1/organizations/${acme.id}/members/${bob.id}`, as(readKey)), 403);
  });

  it('reads only its organization’s events in the audit trail, and needs events:read for them', async () => {
    const key = await organizationKey(acme.id, ['events:read']);
    await createUser({ db, principal: await principalFor(db, 'admin') }, { email: 'outside@example.com', name: 'Outside' });
    const page = await expectStatus(await callApi('GET', '/api/v1/audit-events', as(key)), 200);
    const items = page.items as EventDto[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((event) => event.organizationId === acme.id)).toBe(true);
    const asked = await expectStatus(await callApi('GET', `/api/v1/audit-events?organizationId=${globex.id}`, as(key)), 200);
    expect(asked.items).toEqual([]);
    await expectStatus(await callApi('GET', '/api/v1/audit-events', as(await organizationKey(acme.id, ['organizations:read']))), 403);
  });
});

describe('GET /api/v1/events with an organization’s key', () => {
  let server: RouteServer;
  const clients: EventSource[] = [];
  beforeAll(async () => {
    vi.stubEnv('ROSTER_EVENTS_HEARTBEAT_MS', '50');
    server = await serveRoutes({ '/api/v1/events': eventsRoute }, await reservePorts());
  });
  afterAll(async () => {
    await server.close();
    await closeEventFeed();
    vi.unstubAllEnvs();
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));

  async function eventually<T>(read: () => T, check: (value: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 60_000; // a hang guard, not a speed check
    for (;;) {
      const value = read();
      if (check(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The log's first position: a stream resumed after it replays the rest of the log (both organizations' creation). */
  const firstPosition = async () => (await db.select({ first: min(auditEvents.position) }).from(auditEvents))[0]!.first!;

  /** What a stream sends until `enough` says so; a stream that ends first fails the test (instead of spinning). */
  async function readUntil(response: Response, enough: (text: string) => boolean): Promise<string> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!enough(text)) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`the stream ended early, after: ${text}`);
      text += decoder.decode(chunk.value, { stream: true });
    }
    await reader.cancel();
    return text;
  }

  it('a real SSE client receives its organization’s events only, live and replayed', async () => {
    const key = await organizationKey(acme.id, ['events:read']);
    const got: EventDto[] = [];
    let opened = 0;
    const source = new EventSource(`${server.origin}/api/v1/events`, { fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...key.headers } }) });
    source.onopen = () => (opened += 1);
    onEveryEvent(source, (event) => got.push(JSON.parse(event.data) as EventDto));
    clients.push(source);
    await eventually(() => opened, (n) => n === 1, 'the stream to open');

    const operator: Principal = systemPrincipal();
    const [inAcme, inGlobex] = [await insertUser(db, 'member'), await insertUser(db, 'member')];
    await addMember({ db, principal: operator }, globex.id, { userId: inGlobex.id, role: 'member' });
    await createUser({ db, principal: operator }, { email: 'nobody@example.com', name: 'In no organization' });
    await addMember({ db, principal: operator }, acme.id, { userId: inAcme.id, role: 'admin' });
    await changeMemberRole({ db, principal: operator }, acme.id, inAcme.id, { role: 'member' });

    await eventually(() => got.length, (n) => n >= 2, 'the two events of acme');
    // Events of globex and of no organization came before acme's last one in the log: had they passed, they'd be here.
    expect(got.map((event) => [event.type, event.organizationId])).toEqual([
      ['member.added', acme.id],
      ['member.role-changed', acme.id],
    ]);

    // Replay (what a reconnecting client asks for with Last-Event-ID) filters the same way.
    const replay = await fetch(`${server.origin}/api/v1/events?after=${await firstPosition()}`, { headers: key.headers });
    expect(replay.status).toBe(200);
    const text = await readUntil(replay, (received) => received.includes('member.role-changed'));
    const replayed = [...text.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1]!) as EventDto);
    expect(replayed.length).toBeGreaterThan(2);
    expect(replayed.every((event) => event.organizationId === acme.id)).toBe(true);
  });

  it('is refused without events:read; asking for another organization’s events yields none of them', async () => {
    const readKey = await organizationKey(acme.id, ['organizations:read']);
    expect((await fetch(`${server.origin}/api/v1/events`, { headers: readKey.headers })).status).toBe(403);
    const key = await organizationKey(acme.id, ['events:read']);
    const response = await fetch(`${server.origin}/api/v1/events?after=${await firstPosition()}&organizationId=${globex.id}`, { headers: key.headers });
    expect(response.status).toBe(200);
    // The replay (all of the log so far, globex's creation included) comes before the first heartbeat: none of it passes.
    const text = await readUntil(response, (received) => received.includes(': heartbeat'));
    expect(text).not.toContain(globex.id);
    expect(text).not.toMatch(/^data:/m);
  });
});

describe('an organization’s webhook endpoints', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.close());
  beforeEach(() => receiver.reset());

  it('a real receiver is sent only its organization’s events; the key sees and manages only its organization’s endpoints', async () => {
    const keyPrincipal = async (organizationId: string) => {
      const key = await organizationKey(organizationId, ['webhooks:write', 'organizations:write']);
      return { key, principal: (await authenticateApiKey(db, key.secret, 'api'))! };
    };
    const acmeKey = await keyPrincipal(acme.id);
    const acmeEndpoint = await createWebhookEndpoint({ db, principal: acmeKey.principal }, { url: receiver.url, events: ['*'] }, { network: loopback, secrets });
    expect(acmeEndpoint.endpoint.organizationId).toBe(acme.id);
    const staff = await principalFor(db, 'admin');
    const everything = await createWebhookEndpoint({ db, principal: staff }, { url: receiver.url, events: ['member.added'] }, { network: loopback, secrets });

    const operator = systemPrincipal();
    const [bob, carol] = [await insertUser(db, 'member'), await insertUser(db, 'member')];
    await addMember({ db, principal: operator }, globex.id, { userId: carol.id, role: 'member' });
    await addMember({ db, principal: operator }, acme.id, { userId: bob.id, role: 'member' });
    await createUser({ db, principal: operator }, { email: 'nobody@example.com', name: 'No organization' });
    await deliverDue(db);

    const toAcme = receiver.signedWith(acmeEndpoint.secret).map((webhook) => receiver.verify(webhook, acmeEndpoint.secret) as EventDto);
    expect(toAcme.map((event) => [event.type, event.organizationId])).toEqual([['member.added', acme.id]]);
    // The service-wide endpoint hears both organizations.
    const toAll = receiver.signedWith(everything.secret).map((webhook) => JSON.parse(webhook.body) as EventDto);
    expect(toAll.map((event) => event.organizationId)).toEqual([globex.id, acme.id]);

    // Listing and changing through the API: an organization's key sees its own endpoints only.
    const listed = await expectStatus(await callApi('GET', '/api/v1/webhook-endpoints', as(acmeKey.key)), 200);
    expect((listed.items as { id: string }[]).map((item) => item.id)).toEqual([acmeEndpoint.endpoint.id]);
    const globexKey = await keyPrincipal(globex.id);
    expect((await expectStatus(await callApi('GET', '/api/v1/webhook-endpoints', as(globexKey.key)), 200)).items).toEqual([]);
    await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/webhook-endpoints`, as(globexKey.key)), 404);
    const viaOrg = await expectStatus(await callApi('GET', `/api/v1/organizations/${acme.id}/webhook-endpoints`, as(acmeKey.key)), 200);
    expect(viaOrg.items).toEqual(listed.items);
  });

  it('staff make one under /organizations/{orgId}/webhook-endpoints; an unknown organization is a 404', async () => {
    const admin = await bearerFor(db, 'admin');
    // Routes check the receiver's address: a public https URL, not dialled here (nothing is dispatched).
    const created = await expectStatus(
      await callApi('POST', `/api/v1/organizations/${globex.id}/webhook-endpoints`, { json: { url: 'https://93.184.215.14/hooks', events: ['member.added'] }, ...as(admin) }),
      201,
    );
    expect(created).toMatchObject({ organizationId: globex.id, events: ['member.added'], secret: expect.stringMatching(/^whsec_/) });
    await expectStatus(await callApi('POST', `/api/v1/organizations/${owner.userId}/webhook-endpoints`, { json: { url: 'https://93.184.215.14/hooks', events: ['*'] }, ...as(admin) }), 404);
    await expectStatus(await callApi('POST', `/api/v1/organizations/${globex.id}/webhook-endpoints`, { json: { url: 'https://93.184.215.14/hooks', events: ['*'] }, ...as(owner) }), 403);
  });
});

describe('deleting an organization', () => {
  it('deletes its keys and endpoints in the same transaction, with an event for each', async () => {
    const key = await organizationKey(acme.id, ['webhooks:write']);
    const principal = { kind: 'apiKey', door: 'api', keyId: key.id, scopes: ['webhooks:write'], organizationId: acme.id } as const;
    const { endpoint } = await createWebhookEndpoint({ db, principal }, { url: 'https://93.184.215.14/hooks', events: ['*'] }, { network: loopback, secrets });
    const otherKey = await organizationKey(globex.id, ['events:read']);
    await deleteOrganization({ db, principal: systemPrincipal() }, acme.id);
    expect((await keyRows()).map((row) => row.id)).toEqual([otherKey.id]);
    expect(await db.select().from(webhookEndpoints)).toEqual([]);
    const events = await db.select({ type: auditEvents.action, subjectId: auditEvents.subjectId }).from(auditEvents).where(eq(auditEvents.organizationId, acme.id)).orderBy(asc(auditEvents.position));
    expect(events.slice(-4)).toEqual([
      { type: 'member.removed', subjectId: owner.userId },
      { type: 'webhook-endpoint.deleted', subjectId: endpoint.id },
      { type: 'api-key.revoked', subjectId: key.id },
      { type: 'organization.deleted', subjectId: acme.id },
    ]);
    await expectStatus(await callApi('GET', `/api/v1/organizations/${globex.id}`, as(key)), 401);
  });
});

// The SQL behind the above, on each database (PostgreSQL too when TEST_DATABASE_URL is set): whether a key still
// works (its maker's role in its organization) and which endpoints the dispatcher gives an event to.
describeEachDatabase('organization keys and endpoints in SQL', (database) => {
  it('a key authenticates with its organization while its maker is an owner or admin there; its endpoint gets only its events', async () => {
    const operator = systemPrincipal();
    const maker = await insertUser(database(), 'member');
    const acmeHere = await seedOrganization(database(), 'acme-sql', maker.id);
    const globexHere = await seedOrganization(database(), 'globex-sql', (await insertUser(database(), 'member')).id);
    const makerPrincipal: Principal = { kind: 'user', door: 'api', userId: maker.id, role: 'member' };
    const { secret } = await createOrganizationApiKey({ db: database(), principal: makerPrincipal }, acmeHere.id, { name: 'sql', scopes: ['webhooks:write'] });
    const principal = await authenticateApiKey(database(), secret, 'api');
    expect(principal).toMatchObject({ kind: 'apiKey', organizationId: acmeHere.id, scopes: ['webhooks:write'] });
    const { endpoint } = await createWebhookEndpoint({ db: database(), principal: principal! }, { url: 'https://93.184.215.14/hooks', events: ['*'] }, { network: loopback, secrets });

    const newcomer = await insertUser(database(), 'member');
    await addMember({ db: database(), principal: operator }, globexHere.id, { userId: newcomer.id, role: 'member' });
    await addMember({ db: database(), principal: operator }, acmeHere.id, { userId: newcomer.id, role: 'member' });
    while ((await dispatchEvents(database())).events > 0);
    const delivered = await database().select({ eventType: webhookDeliveries.eventType, payload: webhookDeliveries.payload }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(delivered.map((row) => [row.eventType, (JSON.parse(row.payload) as EventDto).organizationId])).toEqual([['member.added', acmeHere.id]]);

    await addMember({ db: database(), principal: operator }, acmeHere.id, { userId: (await insertUser(database(), 'member')).id, role: 'owner' });
    await changeMemberRole({ db: database(), principal: operator }, acmeHere.id, maker.id, { role: 'member' });
    expect(await authenticateApiKey(database(), secret, 'api')).toBeNull();
  });
});
