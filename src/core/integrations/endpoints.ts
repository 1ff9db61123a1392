import 'server-only';
import { desc, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Transaction } from '@/db/client';
import { webhookDeliveries, webhookEndpoints, type WebhookEndpointRow } from '@/db/schema';
import { authorize, authorizeManagement, mayManage } from '../authorization';
import { NotFound, PreconditionFailed, ValidationFailed } from '../errors';
import { diffFields, lastPosition, recordEvent } from '../events';
import { actorOf, type CoreContext, type Principal } from '../principal';
import type { Role } from '../users/schemas';
import { isUuid, parseInput } from '../validation';
import { toDeliveryDto, toEndpointDto, type WebhookDeliveryDto, type WebhookEndpointDto } from './dto';
import { endpointMakerRole, makerColumns } from './makers';
import { networkPolicyFromEnv, refusalFor, type NetworkPolicy } from './network';
import { createEndpointInput, updateEndpointInput, type CreateEndpointInput, type UpdateEndpointInput } from './schemas';
import { newSigningSecret, rotationOverlapMs, type SecretBox } from './signing';

export interface EndpointOptions {
  network?: NetworkPolicy;
  now?: () => Date;
}

/** What the calls that make a signing secret need besides: the box that encrypts it for storage. */
export interface SecretOptions extends EndpointOptions {
  secrets: SecretBox;
}

const endpointFields = ['url', 'description', 'events', 'enabled', 'disabledReason'] as const;

/** A new endpoint and its signing secret: returned this once, stored only encrypted. */
export async function createWebhookEndpoint(
  ctx: CoreContext,
  rawInput: CreateEndpointInput | unknown,
  { network = networkPolicyFromEnv(), secrets }: SecretOptions,
): Promise<{ endpoint: WebhookEndpointDto; secret: string }> {
  authorize(ctx.principal, 'webhooks:write');
  const input = parseInput(createEndpointInput, rawInput);
  await assertReachable(input.url, network);
  const secret = newSigningSecret();
  const secretEncrypted = await secrets.encrypt(secret);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        id: uuidv7(),
        url: input.url.toString(),
        description: input.description ?? '',
        eventTypes: input.events,
        secretEncrypted,
        startsAfterPosition: await lastPosition(tx),
        ...makerColumns(ctx.principal),
      })
      .returning();
    const endpoint = toEndpointDto(row!);
    await recordEndpointEvent(tx, ctx.principal, 'webhook-endpoint.created', undefined, endpoint);
    return { endpoint, secret };
  });
}

export async function listWebhookEndpoints({ db, principal }: CoreContext): Promise<WebhookEndpointDto[]> {
  authorize(principal, 'webhooks:write');
  const rows = await db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id)).limit(500);
  return rows.map(toEndpointDto);
}

export async function getWebhookEndpoint({ db, principal }: CoreContext, id: string): Promise<WebhookEndpointDto> {
  authorize(principal, 'webhooks:write');
  return toEndpointDto(await findEndpoint(db, id));
}

/**
 * Changes url, events, description or enabled. Re-enabling clears why it was disabled and its failure streak, and
 * makes whoever re-enables it its maker: the endpoint lives on their right from then on.
 */
export async function updateWebhookEndpoint(
  ctx: CoreContext,
  id: string,
  rawInput: UpdateEndpointInput | unknown,
  { network = networkPolicyFromEnv(), expectedVersion }: EndpointOptions & { expectedVersion?: number } = {},
): Promise<WebhookEndpointDto> {
  authorize(ctx.principal, 'webhooks:write');
  const input = parseInput(updateEndpointInput, rawInput);
  if (input.url) await assertReachable(input.url, network);
  return ctx.db.transaction(async (tx) => {
    const current = await lockManagedEndpoint(tx, ctx.principal, id, expectedVersion);
    const changes: Partial<WebhookEndpointRow> = {
      ...(input.url ? { url: input.url.toString() } : {}),
      ...(input.events ? { eventTypes: input.events } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.enabled === true && !current.enabled ? { enabled: true, disabledReason: null, failingSince: null, ...makerColumns(ctx.principal) } : {}),
      ...(input.enabled === false && current.enabled ? { enabled: false, disabledReason: 'manual' } : {}),
    };
    return applyEndpointChanges(tx, ctx.principal, current, changes, 'webhook-endpoint.updated');
  });
}

export async function deleteWebhookEndpoint(ctx: CoreContext, id: string, { expectedVersion }: { expectedVersion?: number } = {}): Promise<void> {
  authorize(ctx.principal, 'webhooks:write');
  await ctx.db.transaction(async (tx) => {
    const current = await lockManagedEndpoint(tx, ctx.principal, id, expectedVersion);
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    await recordEndpointEvent(tx, ctx.principal, 'webhook-endpoint.deleted', toEndpointDto(current), undefined);
  });
}

/**
 * A new signing secret, returned this once. The old one keeps signing next to it for 24 hours, so a receiver can
 * switch over without dropping a delivery.
 */
export async function rotateWebhookSecret(ctx: CoreContext, id: string, { now = () => new Date(), secrets }: SecretOptions): Promise<{ endpoint: WebhookEndpointDto; secret: string }> {
  authorize(ctx.principal, 'webhooks:write');
  const secret = newSigningSecret();
  const secretEncrypted = await secrets.encrypt(secret);
  return ctx.db.transaction(async (tx) => {
    const current = await lockManagedEndpoint(tx, ctx.principal, id);
    const [row] = await tx
      .update(webhookEndpoints)
      .set({
        secretEncrypted,
        previousSecretEncrypted: current.secretEncrypted,
        previousSecretExpiresAt: new Date(now().getTime() + rotationOverlapMs),
        version: sql`${webhookEndpoints.version} + 1`,
        updatedAt: now(),
      })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    const endpoint = toEndpointDto(row!);
    await recordEvent(tx, ctx.principal, {
      type: 'webhook-endpoint.secret-rotated',
      subject: { type: 'webhook-endpoint', id },
      changes: { previousSecretExpiresAt: { before: null, after: row!.previousSecretExpiresAt!.toISOString() } },
      data: { endpoint },
    });
    return { endpoint, secret };
  });
}

/** Queues a `webhook.test` event for this endpoint alone, delivered and signed like any other. */
export async function sendTestEvent(ctx: CoreContext, id: string, { now = () => new Date() }: EndpointOptions = {}): Promise<WebhookDeliveryDto> {
  authorize(ctx.principal, 'webhooks:write');
  const endpoint = await findManagedEndpoint(ctx.db, ctx.principal, id);
  const eventId = uuidv7();
  const payload = {
    id: eventId,
    position: null,
    type: 'webhook.test',
    occurredAt: now().toISOString(),
    actor: actorOf(ctx.principal),
    door: ctx.principal.door,
    subject: { type: 'webhook-endpoint', id: endpoint.id },
    data: { message: 'A test event from Roster: your endpoint receives and verifies webhooks.', changes: {} },
  };
  const [row] = await ctx.db
    .insert(webhookDeliveries)
    .values({ id: uuidv7(), endpointId: endpoint.id, eventId, eventType: payload.type, payload: JSON.stringify(payload), nextAttemptAt: now() })
    .returning();
  return toDeliveryDto(row!);
}

/**
 * Writes `changes` to an endpoint locked in `tx`, bumps its version and records the event, in the same transaction.
 * Changing nothing writes nothing. Also how the deliverer disables an endpoint (410, or 5 days of failures).
 */
export async function applyEndpointChanges(
  tx: Transaction,
  principal: Principal,
  current: WebhookEndpointRow,
  changes: Partial<WebhookEndpointRow>,
  type: 'webhook-endpoint.updated' | 'webhook-endpoint.disabled',
): Promise<WebhookEndpointDto> {
  const before = toEndpointDto(current);
  const diff = diffFields(before, toEndpointDto({ ...current, ...changes }), endpointFields);
  if (Object.keys(diff).length === 0) return before;
  const [row] = await tx
    .update(webhookEndpoints)
    .set({ ...changes, version: sql`${webhookEndpoints.version} + 1`, updatedAt: new Date() })
    .where(eq(webhookEndpoints.id, current.id))
    .returning();
  const endpoint = toEndpointDto(row!);
  await recordEvent(tx, principal, { type, subject: { type: 'webhook-endpoint', id: current.id }, changes: diff, data: { endpoint } });
  return endpoint;
}

export async function findEndpoint(db: Pick<CoreContext['db'], 'select'>, id: string): Promise<WebhookEndpointRow> {
  return (await selectWithMaker(db, id)).endpoint;
}

/**
 * An endpoint `principal` may change (update, delete, rotate, test, resend): what an owner made (or an owner's key,
 * or the operator), only owners may; admins the rest. Reading stays open to whoever holds webhooks:write.
 */
export async function findManagedEndpoint(db: Pick<CoreContext['db'], 'select'>, principal: Principal, id: string): Promise<WebhookEndpointRow> {
  const { endpoint, madeBy } = await selectWithMaker(db, id);
  authorizeManagement(principal, madeBy);
  return endpoint;
}

/** Whether `principal` may change this endpoint: the console shows its controls only then (the use cases check anyway). */
export async function mayManageWebhookEndpoint(ctx: CoreContext, id: string): Promise<boolean> {
  authorize(ctx.principal, 'webhooks:write');
  return mayManage(ctx.principal, (await selectWithMaker(ctx.db, id)).madeBy);
}

/** findManagedEndpoint, locked in `tx` for the change, and at the version the caller last saw. */
async function lockManagedEndpoint(tx: Transaction, principal: Principal, id: string, expectedVersion?: number): Promise<WebhookEndpointRow> {
  const { endpoint, madeBy } = await selectWithMaker(tx, id, { lock: true });
  authorizeManagement(principal, madeBy);
  if (expectedVersion !== undefined && endpoint.version !== expectedVersion) {
    throw new PreconditionFailed(`This endpoint was changed by someone else (now at version ${endpoint.version}, you had ${expectedVersion}).`);
  }
  return endpoint;
}

async function selectWithMaker(db: Pick<CoreContext['db'], 'select'>, id: string, { lock = false } = {}): Promise<{ endpoint: WebhookEndpointRow; madeBy: Role }> {
  if (!isUuid(id)) throw new NotFound('Webhook endpoint');
  const query = db.select({ endpoint: webhookEndpoints, madeBy: endpointMakerRole }).from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new NotFound('Webhook endpoint');
  return row;
}

function recordEndpointEvent(tx: Transaction, principal: Principal, type: 'webhook-endpoint.created' | 'webhook-endpoint.deleted', before?: WebhookEndpointDto, after?: WebhookEndpointDto) {
  const endpoint = (after ?? before)!;
  return recordEvent(tx, principal, {
    type,
    subject: { type: 'webhook-endpoint', id: endpoint.id },
    changes: diffFields(before, after, endpointFields),
    data: { endpoint },
  });
}

async function assertReachable(url: URL, network: NetworkPolicy): Promise<void> {
  const refusal = await refusalFor(url, network);
  if (refusal) throw new ValidationFailed([{ path: ['url'], message: refusal }]);
}
