import { and, eq, isNotNull } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { authenticateApiKey, createApiKey, revokeApiKey } from '@/core/api-keys';
import { Forbidden } from '@/core/errors';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  dispatchEvents,
  getWebhookEndpoint,
  listDeliveries,
  mayManageWebhookEndpoint,
  retryDelivery,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhookEndpoint,
} from '@/core/integrations';
import { actorOf, type CoreContext, type Principal } from '@/core/principal';
import { createUser, deleteUser, updateUser } from '@/core/users';
import { auditEvents, webhookDeliveries, webhookEndpoints } from '@/db/schema';
import { describeEachDatabase } from '../support/database';
import { principalFor, type UserPrincipal } from '../support/principals';
import { deliverDue, loopback, secrets } from '../support/webhook-delivery';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver';

// An outgoing webhook endpoint carries personal data to wherever it points, so it lives on the right that made it:
// when its maker (a user, or an API key) loses webhooks:write, it is disabled in the same transaction and a real
// receiver hears nothing more. And admins manage endpoints below admin: what an owner made, only owners change.

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());
afterEach(() => vi.useRealTimers());

const emailOf = (webhook: ReceivedWebhook) => (JSON.parse(webhook.body) as { data: { user: { email: string } } }).data.user.email;

describeEachDatabase('webhook endpoints and the right that made them', (db) => {
  let owner: CoreContext;
  const ctxOf = (principal: Principal): CoreContext => ({ db: db(), principal });
  const subscribe = (ctx: CoreContext, path: string) => createWebhookEndpoint(ctx, { url: `${receiver.url}/${path}`, events: ['user.created'] }, { network: loopback, secrets });
  const stored = async (id: string) => (await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0]!;
  /** A key as it authenticates (the principal an integration acts as), made by `maker`. */
  async function keyOf(maker: CoreContext) {
    const { apiKey, secret } = await createApiKey(maker, { name: 'integration', scopes: ['webhooks:write'] });
    return { id: apiKey.id, ctx: ctxOf((await authenticateApiKey(db(), secret, 'api'))!) };
  }

  beforeEach(async () => {
    owner = ctxOf(await principalFor(db(), 'owner'));
  });

  /** Each way a right is lost: who makes the endpoint, and how its right goes (done by an owner). */
  const ways: [string, () => Promise<{ maker: CoreContext; loseRight: () => Promise<unknown> }>][] = [
    ['its maker is suspended', async () => {
      const admin = await principalFor(db(), 'admin');
      return { maker: ctxOf(admin), loseRight: () => updateUser(owner, admin.userId, { status: 'suspended' }) };
    }],
    ['its maker is demoted below admin', async () => {
      const admin = await principalFor(db(), 'admin');
      return { maker: ctxOf(admin), loseRight: () => updateUser(owner, admin.userId, { role: 'viewer' }) };
    }],
    ['its maker is deleted', async () => {
      const admin = await principalFor(db(), 'admin');
      return { maker: ctxOf(admin), loseRight: () => deleteUser(owner, admin.userId) };
    }],
    ['the maker of its API key is suspended', async () => {
      const admin = await principalFor(db(), 'admin');
      return { maker: (await keyOf(ctxOf(admin))).ctx, loseRight: () => updateUser(owner, admin.userId, { status: 'suspended' }) };
    }],
    ['the maker of its API key is deleted', async () => {
      const admin = await principalFor(db(), 'admin');
      return { maker: (await keyOf(ctxOf(admin))).ctx, loseRight: () => deleteUser(owner, admin.userId) };
    }],
    ['its API key is revoked', async () => {
      const key = await keyOf(owner);
      return { maker: key.ctx, loseRight: () => revokeApiKey(owner, key.id) };
    }],
  ];

  it.each(ways)('%s: the endpoint is disabled in that transaction, recorded, and its receiver hears nothing more', async (_way, arrange) => {
    const { maker, loseRight } = await arrange();
    const { endpoint, secret } = await subscribe(maker, 'doomed');
    // Another endpoint, whose maker keeps the right: it goes on receiving, so the silence below means what it says.
    const control = await subscribe(owner, 'control');
    // One event dispatched to it (a delivery waiting) before the right goes, and one after.
    await createUser(owner, { email: 'before@example.com', name: 'Before' });
    while ((await dispatchEvents(db())).events > 0);
    await loseRight();
    await createUser(owner, { email: 'after@example.com', name: 'After' });
    await deliverDue(db());

    expect(await stored(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'creator-lost-access' });
    const events = await db().select().from(auditEvents).orderBy(auditEvents.position);
    const disabled = events.filter((event) => event.action === 'webhook-endpoint.disabled');
    expect(disabled).toMatchObject([
      { actor: actorOf(owner.principal), subjectId: endpoint.id, changes: { enabled: { before: true, after: false }, disabledReason: { before: null, after: 'creator-lost-access' } } },
    ]);
    // Written by the transaction that took the right away: same transaction time (now()), next to its own event.
    const cause = events.find((event) => event.actor === actorOf(owner.principal) && ['user.updated', 'user.deleted', 'api-key.revoked'].includes(event.action) && event.createdAt.getTime() === disabled[0]!.createdAt.getTime());
    expect(cause).toBeDefined();
    expect(receiver.signedWith(secret)).toEqual([]);
    expect(receiver.signedWith(control.secret).map(emailOf).sort()).toEqual(['after@example.com', 'before@example.com']);
    expect(await db().select().from(webhookDeliveries).where(and(eq(webhookDeliveries.endpointId, endpoint.id), isNotNull(webhookDeliveries.lastAttemptAt)))).toEqual([]);
  });

  it('an expired key is noticed when its endpoint is next due: disabled (by Roster, recorded), nothing sent', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { apiKey, secret: keySecret } = await createApiKey(owner, { name: 'short-lived', scopes: ['webhooks:write'], expiresAt: new Date(Date.now() + 60 * 60_000) });
    const { endpoint, secret } = await subscribe(ctxOf((await authenticateApiKey(db(), keySecret, 'api'))!), 'expiring');
    await createUser(owner, { email: 'in-time@example.com', name: 'In time' });
    expect(await deliverDue(db())).toEqual(['succeeded']);
    expect(receiver.signedWith(secret).map(emailOf)).toEqual(['in-time@example.com']);

    vi.setSystemTime(Date.now() + 2 * 60 * 60_000);
    await createUser(owner, { email: 'too-late@example.com', name: 'Too late' });
    expect(await deliverDue(db())).toEqual(['released']);

    expect(receiver.received).toHaveLength(1);
    expect(await stored(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'creator-lost-access', createdByApiKeyId: apiKey.id });
    const [disabled] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'webhook-endpoint.disabled'));
    expect(disabled).toMatchObject({ actor: 'system:webhooks', subjectId: endpoint.id });
    // The delivery waits, unsent and uncounted, in case someone with the right enables the endpoint again.
    expect(await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.status, 'pending'))).toMatchObject([{ attempts: 0, leaseToken: null }]);
  });

  it('enabling it again makes the one who does its maker: it then lives on their right', async () => {
    const leaving = await principalFor(db(), 'admin');
    const { endpoint, secret } = await subscribe(ctxOf(leaving), 'revived');
    await updateUser(owner, leaving.userId, { status: 'suspended' });
    const rescuer = await principalFor(db(), 'admin');

    const enabled = await updateWebhookEndpoint(ctxOf(rescuer), endpoint.id, { enabled: true });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null });
    expect(await stored(endpoint.id)).toMatchObject({ createdBy: rescuer.userId, createdByApiKeyId: null });
    await createUser(owner, { email: 'heard@example.com', name: 'Heard' });
    await deliverDue(db());
    expect(receiver.signedWith(secret).map(emailOf)).toEqual(['heard@example.com']);

    // Reinstating the first maker changes nothing; the rescuer's suspension disables it again.
    await updateUser(owner, leaving.userId, { status: 'active' });
    expect(await stored(endpoint.id)).toMatchObject({ enabled: true });
    await updateUser(owner, rescuer.userId, { status: 'suspended' });
    expect(await stored(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'creator-lost-access' });
  });

  it('a change that keeps webhooks:write keeps the endpoints: an owner demoted to admin, a renamed admin', async () => {
    const { endpoint: ownersEndpoint } = await subscribe(owner, 'owner');
    const admin = await principalFor(db(), 'admin');
    const { endpoint: adminsEndpoint } = await subscribe(ctxOf(admin), 'admin');
    const otherOwner = ctxOf(await principalFor(db(), 'owner'));
    await updateUser(otherOwner, (owner.principal as UserPrincipal).userId, { role: 'admin' });
    await updateUser(owner, admin.userId, { name: 'Renamed' });
    expect(await stored(ownersEndpoint.id)).toMatchObject({ enabled: true });
    expect(await stored(adminsEndpoint.id)).toMatchObject({ enabled: true });
    expect(await db().select().from(auditEvents).where(eq(auditEvents.action, 'webhook-endpoint.disabled'))).toEqual([]);
  });

  describe('admins manage endpoints below admin', () => {
    /** Every change to an endpoint, as `ctx`: each resolves to what it did, or rejects. */
    const changes = (ctx: CoreContext, id: string, deliveryId: string) => ({
      update: () => updateWebhookEndpoint(ctx, id, { description: 'changed' }),
      disable: () => updateWebhookEndpoint(ctx, id, { enabled: false }),
      rotate: () => rotateWebhookSecret(ctx, id, { secrets }),
      test: () => sendTestEvent(ctx, id),
      resend: () => retryDelivery(ctx, id, deliveryId),
      delete: () => deleteWebhookEndpoint(ctx, id),
    });
    const endpointBy = async (maker: CoreContext) => {
      const { endpoint } = await subscribe(maker, 'managed');
      return { id: endpoint.id, deliveryId: (await sendTestEvent(maker, endpoint.id)).id };
    };
    const state = async () => ({
      endpoints: await db().select().from(webhookEndpoints).orderBy(webhookEndpoints.id),
      deliveries: await db().select().from(webhookDeliveries).orderBy(webhookDeliveries.id),
      events: (await db().select().from(auditEvents)).length,
    });

    it('an admin reads what an owner made (or an owner’s key, or the CLI) but changes none of it: Forbidden, nothing written', async () => {
      const admin = ctxOf(await principalFor(db(), 'admin'));
      const cliKey = await keyOf(ctxOf({ kind: 'system', door: 'cli', name: 'cli' }));
      for (const maker of [owner, (await keyOf(owner)).ctx, cliKey.ctx]) {
        const { id, deliveryId } = await endpointBy(maker);
        expect(await getWebhookEndpoint(admin, id)).toMatchObject({ id });
        expect((await listDeliveries(admin, id, {})).items).toHaveLength(1);
        expect(await mayManageWebhookEndpoint(admin, id)).toBe(false);
        for (const [name, change] of Object.entries(changes(admin, id, deliveryId))) {
          const before = await state();
          await expect(change(), name).rejects.toBeInstanceOf(Forbidden);
          expect(await state()).toEqual(before);
        }
        // An owner may do every one of them.
        expect(await mayManageWebhookEndpoint(owner, id)).toBe(true);
        for (const change of Object.values(changes(owner, id, deliveryId))) await change();
      }
    });

    it('an admin (and an admin’s key) manages what an admin made; an owner’s key manages what owners made', async () => {
      const admin = ctxOf(await principalFor(db(), 'admin'));
      const adminsKey = await keyOf(admin);
      const ownersKey = await keyOf(owner);
      for (const [maker, actor] of [
        [ctxOf(await principalFor(db(), 'admin')), admin],
        [admin, adminsKey.ctx],
        [owner, ownersKey.ctx],
        [ownersKey.ctx, ownersKey.ctx],
      ] as const) {
        const { id, deliveryId } = await endpointBy(maker);
        expect(await mayManageWebhookEndpoint(actor, id)).toBe(true);
        for (const change of Object.values(changes(actor, id, deliveryId))) await change();
        expect(await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id))).toEqual([]);
      }
      // An admin's key acts no higher than its maker.
      const { id } = await endpointBy(owner);
      await expect(updateWebhookEndpoint(adminsKey.ctx, id, { description: 'mine now' })).rejects.toBeInstanceOf(Forbidden);
    });
  });
});
