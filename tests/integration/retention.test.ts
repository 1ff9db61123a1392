import { eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { createUser, deleteUser } from '@/core/users';
import { purgeExpiredRecords, retentionPolicyFromEnv, type RetentionPolicy } from '@/core/retention';
import type { Database } from '@/db/client';
import { accountTokens, idempotencyKeys, invitations, mailOutbox, webhookDeliveries, webhookEndpoints, webhookEvents } from '@/db/schema';
import { describeEachDatabase } from '../support/database';
import { insertUser, principalFor, systemPrincipal } from '../support/principals';

// Retention: every kind of record that outlives its purpose has a setting and is purged past it, and deleting a user
// removes or redacts what the other tables hold of them in the same transaction.

const day = 24 * 60 * 60 * 1000;
const now = new Date('2026-12-01T12:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * day);
const policy: RetentionPolicy = { webhookDeliveries: 30, stripeEvents: 30, mail: 30, accountTokens: 7, invitations: 30 };

async function endpoint(db: Database) {
  const [row] = await db
    .insert(webhookEndpoints)
    .values({ id: uuidv7(), url: 'https://hooks.example/roster', eventTypes: ['*'], secretEncrypted: 'x', startsAfterPosition: 0 })
    .returning();
  return row!.id;
}

const deliveryPayload = (subject: string, data: Record<string, unknown>) =>
  JSON.stringify({ id: uuidv7(), position: '1', type: 'user.updated', occurredAt: now.toISOString(), actor: 'system:cli', door: 'cli', subject: { type: 'user', id: subject }, data: { ...data, changes: {} } });

async function delivery(db: Database, endpointId: string, values: { status: 'pending' | 'succeeded' | 'failed'; createdAt: Date; payload?: string }) {
  const [row] = await db
    .insert(webhookDeliveries)
    .values({ id: uuidv7(), endpointId, eventId: uuidv7(), eventType: 'user.updated', payload: values.payload ?? deliveryPayload(uuidv7(), {}), status: values.status, createdAt: values.createdAt })
    .returning();
  return row!.id;
}

async function stripeEvent(db: Database, values: { status: 'pending' | 'processed' | 'ignored' | 'failed'; receivedAt: Date; object?: Record<string, unknown> }) {
  const id = `evt_${uuidv7().replaceAll('-', '')}`;
  const payload = { id, type: 'customer.subscription.updated', created: 1, data: { object: values.object ?? { id: 'sub_1', customer: 'cus_other' } } };
  await db.insert(webhookEvents).values({ id, type: payload.type, stripeCreatedAt: now, payload, status: values.status, receivedAt: values.receivedAt });
  return id;
}

async function mail(db: Database, values: { status: 'pending' | 'sent' | 'failed' | 'kept'; createdAt: Date; to?: string }) {
  const [row] = await db
    .insert(mailOutbox)
    .values({ id: uuidv7(), kind: 'invitation', recipient: values.to ?? 'someone@example.com', subject: 'Hi', textBody: 'link', htmlBody: 'link', status: values.status, createdAt: values.createdAt })
    .returning();
  return row!.id;
}

async function invitation(db: Database, values: { email?: string; expiresAt: Date; acceptedAt?: Date; revokedAt?: Date }) {
  const [row] = await db
    .insert(invitations)
    .values({ id: uuidv7(), email: values.email ?? `${uuidv7()}@example.com`, role: 'member', tokenHash: uuidv7(), expiresAt: values.expiresAt, acceptedAt: values.acceptedAt, revokedAt: values.revokedAt })
    .returning();
  return row!.id;
}

async function token(db: Database, userId: string, values: { expiresAt: Date; usedAt?: Date }) {
  const [row] = await db
    .insert(accountTokens)
    .values({ id: uuidv7(), purpose: 'password-reset', userId, tokenHash: uuidv7(), address: 'x@example.com', expiresAt: values.expiresAt, usedAt: values.usedAt })
    .returning();
  return row!.id;
}

const ids = async (db: Database, table: typeof webhookDeliveries | typeof mailOutbox | typeof invitations | typeof accountTokens) =>
  (await db.select({ id: table.id }).from(table)).map((row) => row.id).sort();

describe('retention settings', () => {
  it('default to 30 days (7 for link tokens), read each variable, and refuse what is not a positive number of days, naming it', () => {
    expect(retentionPolicyFromEnv({})).toEqual({ webhookDeliveries: 30, stripeEvents: 30, mail: 30, accountTokens: 7, invitations: 30 });
    expect(retentionPolicyFromEnv({ ROSTER_WEBHOOK_DELIVERY_RETENTION_DAYS: '2', ROSTER_STRIPE_EVENT_RETENTION_DAYS: '0.5', ROSTER_MAIL_RETENTION_DAYS: '90', ROSTER_ACCOUNT_TOKEN_RETENTION_DAYS: '1', ROSTER_INVITATION_RETENTION_DAYS: '14' })).toEqual({
      webhookDeliveries: 2,
      stripeEvents: 0.5,
      mail: 90,
      accountTokens: 1,
      invitations: 14,
    });
    expect(() => retentionPolicyFromEnv({ ROSTER_MAIL_RETENTION_DAYS: '0' })).toThrow(/ROSTER_MAIL_RETENTION_DAYS must be a positive number of days, got "0"/);
    expect(() => retentionPolicyFromEnv({ ROSTER_INVITATION_RETENTION_DAYS: 'forever' })).toThrow(/ROSTER_INVITATION_RETENTION_DAYS/);
  });
});

describeEachDatabase('retention purge', (db) => {
  it('deletes finished records past their retention and keeps recent ones and whatever is still in progress, whatever its age', async () => {
    const endpointId = await endpoint(db());
    await delivery(db(), endpointId, { status: 'succeeded', createdAt: ago(31) });
    await delivery(db(), endpointId, { status: 'failed', createdAt: ago(40) });
    const oldPending = await delivery(db(), endpointId, { status: 'pending', createdAt: ago(40) });
    const recent = await delivery(db(), endpointId, { status: 'succeeded', createdAt: ago(29) });

    await stripeEvent(db(), { status: 'processed', receivedAt: ago(31) });
    const oldStripePending = await stripeEvent(db(), { status: 'pending', receivedAt: ago(31) });
    const recentIgnored = await stripeEvent(db(), { status: 'ignored', receivedAt: ago(1) });

    await mail(db(), { status: 'sent', createdAt: ago(31) });
    await mail(db(), { status: 'kept', createdAt: ago(31) });
    const oldQueued = await mail(db(), { status: 'pending', createdAt: ago(31) });
    const recentSent = await mail(db(), { status: 'sent', createdAt: ago(2) });

    const user = await insertUser(db(), 'member');
    await token(db(), user.id, { expiresAt: ago(8) });
    await token(db(), user.id, { expiresAt: new Date(now.getTime() + day), usedAt: ago(8) });
    const expiredYesterday = await token(db(), user.id, { expiresAt: ago(1) });
    const open = await token(db(), user.id, { expiresAt: new Date(now.getTime() + day) });

    await invitation(db(), { expiresAt: ago(25), acceptedAt: ago(31) });
    await invitation(db(), { expiresAt: ago(1), revokedAt: ago(31) });
    await invitation(db(), { expiresAt: ago(31) });
    const acceptedRecently = await invitation(db(), { expiresAt: ago(20), acceptedAt: ago(27) });
    const pendingInvitation = await invitation(db(), { expiresAt: new Date(now.getTime() + day) });

    await db().insert(idempotencyKeys).values([
      { scope: 'user:a', key: 'old', fingerprint: 'f', status: 201, headers: {}, body: '{}', expiresAt: ago(1) },
      { scope: 'user:a', key: 'live', fingerprint: 'f', status: 201, headers: {}, body: '{}', expiresAt: new Date(now.getTime() + day) },
    ]);

    expect(await purgeExpiredRecords(db(), policy, now)).toEqual({ webhookDeliveries: 2, stripeEvents: 1, mail: 2, accountTokens: 2, invitations: 3, idempotencyKeys: 1 });

    expect(await ids(db(), webhookDeliveries)).toEqual([oldPending, recent].sort());
    expect((await db().select({ id: webhookEvents.id }).from(webhookEvents)).map((row) => row.id).sort()).toEqual([oldStripePending, recentIgnored].sort());
    expect(await ids(db(), mailOutbox)).toEqual([oldQueued, recentSent].sort());
    expect(await ids(db(), accountTokens)).toEqual([expiredYesterday, open].sort());
    expect(await ids(db(), invitations)).toEqual([acceptedRecently, pendingInvitation].sort());
    expect((await db().select({ key: idempotencyKeys.key }).from(idempotencyKeys)).map((row) => row.key)).toEqual(['live']);

    // A second pass finds nothing more: only what aged out since would go.
    expect(Object.values(await purgeExpiredRecords(db(), policy, now)).every((count) => count === 0)).toBe(true);
  });

  it('works through a backlog larger than one batch', async () => {
    await db().insert(mailOutbox).values(Array.from({ length: 2_345 }, () => ({ id: uuidv7(), kind: 'invitation' as const, recipient: 'r@example.com', subject: 's', status: 'sent' as const, createdAt: ago(60) })));
    expect((await purgeExpiredRecords(db(), policy, now)).mail).toBe(2_345);
    expect(await ids(db(), mailOutbox)).toEqual([]);
  });
});

describeEachDatabase('erasure when a user is deleted', (db) => {
  it('deletes their mail and invitations, forgets stored responses about them and redacts webhook payloads and Stripe events with their data, leaving everyone else’s alone', async () => {
    const owner = systemPrincipal();
    const admin = await principalFor(db(), 'admin');
    const doomed = await createUser({ db: db(), principal: owner }, { email: 'Doomed.Person@Example.com', name: 'Doomed Person', role: 'member' });
    const bystander = await createUser({ db: db(), principal: owner }, { email: 'bystander@example.com', name: 'Bystander', role: 'member' });
    await db().execute(sql`update users set stripe_customer_id = 'cus_doomed' where id = ${doomed.id}`);

    await mail(db(), { status: 'sent', createdAt: ago(1), to: 'doomed.person@example.com' });
    await mail(db(), { status: 'pending', createdAt: ago(0), to: 'DOOMED.PERSON@example.com' });
    const otherMail = await mail(db(), { status: 'sent', createdAt: ago(1), to: 'bystander@example.com' });
    await invitation(db(), { email: 'doomed.person@example.com', expiresAt: ago(1), acceptedAt: ago(2) });
    const otherInvitation = await invitation(db(), { email: 'bystander@example.com', expiresAt: new Date(Date.now() + day) });

    await db().insert(idempotencyKeys).values([
      { scope: `user:${admin.userId}`, key: 'created-doomed', fingerprint: 'f', status: 201, headers: {}, body: JSON.stringify(doomed), expiresAt: new Date(Date.now() + day) },
      { scope: `user:${doomed.id}`, key: 'their-own', fingerprint: 'f', status: 201, headers: {}, body: '{}', expiresAt: new Date(Date.now() + day) },
      { scope: `user:${admin.userId}`, key: 'created-bystander', fingerprint: 'f', status: 201, headers: {}, body: JSON.stringify(bystander), expiresAt: new Date(Date.now() + day) },
    ]);

    const endpointId = await endpoint(db());
    const aboutThem = await delivery(db(), endpointId, { status: 'pending', createdAt: ago(0), payload: deliveryPayload(doomed.id, { user: doomed }) });
    const mentioningThem = await delivery(db(), endpointId, { status: 'succeeded', createdAt: ago(0), payload: deliveryPayload(uuidv7(), { invitation: { email: 'doomed.person@example.com' } }) });
    const aboutBystander = await delivery(db(), endpointId, { status: 'succeeded', createdAt: ago(0), payload: deliveryPayload(bystander.id, { user: bystander }) });
    await db().update(webhookDeliveries).set({ lastResponse: 'echo doomed.person@example.com' }).where(eq(webhookDeliveries.id, aboutThem));

    const theirCustomer = await stripeEvent(db(), { status: 'pending', receivedAt: ago(0), object: { id: 'cus_doomed', object: 'customer', email: 'doomed.person@example.com' } });
    // Refers to their customer only: no personal data, and it stays usable (reprocessed, it may link that customer anew).
    const theirSubscription = await stripeEvent(db(), { status: 'pending', receivedAt: ago(0), object: { id: 'sub_doomed', customer: 'cus_doomed' } });
    const theirCheckout = await stripeEvent(db(), { status: 'processed', receivedAt: ago(0), object: { id: 'cs_1', client_reference_id: doomed.id, customer_details: { email: 'doomed.person@example.com' } } });
    const otherStripe = await stripeEvent(db(), { status: 'processed', receivedAt: ago(0), object: { id: 'sub_other', customer: 'cus_other' } });

    await deleteUser({ db: db(), principal: admin }, doomed.id);

    expect(await ids(db(), mailOutbox)).toEqual([otherMail]);
    expect(await ids(db(), invitations)).toEqual([otherInvitation]);
    expect((await db().select({ key: idempotencyKeys.key }).from(idempotencyKeys)).map((row) => row.key)).toEqual(['created-bystander']);

    const payloads = new Map((await db().select().from(webhookDeliveries)).map((row) => [row.id, row]));
    for (const id of [aboutThem, mentioningThem]) {
      const row = payloads.get(id)!;
      const body = JSON.parse(row.payload);
      expect(body.data).toEqual({ redacted: true });
      expect(row.payload).not.toMatch(/doomed/i);
      expect(row.lastResponse).toBeNull();
      expect(body.type).toBe('user.updated');
    }
    expect(payloads.get(aboutBystander)!.payload).toContain('bystander@example.com');

    const events = new Map((await db().select().from(webhookEvents)).map((row) => [row.id, row]));
    for (const id of [theirCustomer, theirCheckout]) {
      expect(events.get(id)!.payload).toEqual({ id, type: 'customer.subscription.updated', redacted: true });
    }
    expect(events.get(theirCustomer)).toMatchObject({ status: 'ignored', lastError: 'Redacted: the user it was about was deleted.' });
    expect(events.get(theirSubscription)).toMatchObject({ status: 'pending', payload: { data: { object: { id: 'sub_doomed', customer: 'cus_doomed' } } } });
    expect(events.get(theirCheckout)).toMatchObject({ status: 'processed', lastError: null });
    expect(events.get(otherStripe)!.payload).toMatchObject({ data: { object: { customer: 'cus_other' } } });
  });

  it('erases nothing when the deletion is refused', async () => {
    const viewer = await principalFor(db(), 'viewer');
    const user = await insertUser(db(), 'member', { email: 'kept@example.com' });
    const kept = await mail(db(), { status: 'sent', createdAt: ago(1), to: 'kept@example.com' });
    await expect(deleteUser({ db: db(), principal: viewer }, user.id)).rejects.toThrow(/permission/);
    expect(await ids(db(), mailOutbox)).toEqual([kept]);
  });
});
