import 'server-only';
import { and, desc, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Transaction } from '@/db/client';
import { organizations, webhookDeliveries, webhookEndpoints, type WebhookEndpointRow } from '@/db/schema';
import { authorizeManagement, mayManage } from '../authorization';
import { UNPAGED_LIST_MAX } from '../bounds';
import { NotFound, ValidationFailed } from '../errors';
import { diffFields, lastPosition, recordEvent } from '../events';
import { actorOf, type CoreContext, type Principal } from '../principal';
import type { Role } from '../users/schemas';
import { isUuid, parseInput } from '../validation';
import { checkVersion, type WriteOptions } from '../versions';
import { authorizeEndpoints, endpointsOf } from './endpoint-scope';
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
  options: SecretOptions,
): Promise<{ endpoint: WebhookEndpointDto; secret: string }> {
  // An organization's key makes its organization's endpoints; staff make endpoints of the whole service here.
  return insertEndpoint(ctx, rawInput, authorizeEndpoints(ctx.principal) ?? null, options);
}

/**
 * An endpoint of organization `organizationId`: sent only that organization's events. For staff with webhooks:write and
 * that organization's own keys (any other organization does not exist for a key).
 */
export async function createOrganizationWebhookEndpoint(
  ctx: CoreContext,
  organizationId: string,
  rawInput: CreateEndpointInput | unknown,
  options: SecretOptions,
): Promise<{ endpoint: WebhookEndpointDto; secret: string }> {
  await authorizeOrganizationEndpoints(ctx, organizationId);
  return insertEndpoint(ctx, rawInput, organizationId, options);
}

/** Organization `organizationId`'s endpoints, newest first: for staff with webhooks:write and that organization's own keys. */
export async function listOrganizationWebhookEndpoints(ctx: CoreContext, organizationId: string): Promise<WebhookEndpointDto[]> {
  await authorizeOrganizationEndpoints(ctx, organizationId);
  return newestEndpoints(ctx.db, organizationId);
}

async function authorizeOrganizationEndpoints({ db, principal }: CoreContext, organizationId: string): Promise<void> {
  const confinedTo = authorizeEndpoints(principal);
  if (!isUuid(organizationId) || (confinedTo !== undefined && confinedTo !== organizationId)) throw new NotFound('Organization');
  const [organization] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organizationId));
  if (!organization) throw new NotFound('Organization');
}

async function insertEndpoint(
  ctx: CoreContext,
  rawInput: CreateEndpointInput | unknown,
  organizationId: string | null,
  { network = networkPolicyFromEnv(), secrets }: SecretOptions,
): Promise<{ endpoint: WebhookEndpointDto; secret: string }> {
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
        organizationId,
        ...makerColumns(ctx.principal),
      })
      .returning();
    const endpoint = toEndpointDto(row!);
    await recordEndpointEvent(tx, ctx.principal, 'webhook-endpoint.created', undefined, endpoint);
    return { endpoint, secret };
  });
}

/** Every endpoint, or (an organization's key) its organization's. */
export async function listWebhookEndpoints({ db, principal }: CoreContext): Promise<WebhookEndpointDto[]> {
  return newestEndpoints(db, authorizeEndpoints(principal));
}

async function newestEndpoints(db: CoreContext['db'], organizationId: string | undefined): Promise<WebhookEndpointDto[]> {
  const rows = await db.select().from(webhookEndpoints).where(endpointsOf(organizationId)).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id)).limit(UNPAGED_LIST_MAX);
  return rows.map(toEndpointDto);
}

export async function getWebhookEndpoint({ db, principal }: CoreContext, id: string): Promise<WebhookEndpointDto> {
  return toEndpointDto(await findEndpoint(db, id, authorizeEndpoints(principal)));
}

/**
 * Changes url, events, description or enabled. Re-enabling clears why it was disabled and its failure streak, and
 * makes whoever re-enables it its maker: the endpoint lives on their right from then on.
 */
export async function updateWebhookEndpoint(
  ctx: CoreContext,
  id: string,
  rawInput: UpdateEndpointInput | unknown,
  { network = networkPolicyFromEnv(), ...version }: EndpointOptions & WriteOptions = {},
): Promise<WebhookEndpointDto> {
  authorizeEndpoints(ctx.principal);
  const input = parseInput(updateEndpointInput, rawInput);
  if (input.url) await assertReachable(input.url, network);
  return ctx.db.transaction(async (tx) => {
    const current = await lockManagedEndpoint(tx, ctx.principal, id, version);
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

export async function deleteWebhookEndpoint(ctx: CoreContext, id: string, version: WriteOptions = {}): Promise<void> {
  authorizeEndpoints(ctx.principal);
  await ctx.db.transaction(async (tx) => {
    const current = await lockManagedEndpoint(tx, ctx.principal, id, version);
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    await recordEndpointEvent(tx, ctx.principal, 'webhook-endpoint.deleted', toEndpointDto(current), undefined);
  });
}

/**
 * A new signing secret, returned this once. The old one keeps signing next to it for 24 hours, so a receiver can
 * switch over without dropping a delivery.
 */
export async function rotateWebhookSecret(ctx: CoreContext, id: string, { now = () => new Date(), secrets }: SecretOptions): Promise<{ endpoint: WebhookEndpointDto; secret: string }> {
  authorizeEndpoints(ctx.principal);
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
      organizationId: endpoint.organizationId ?? undefined,
      changes: { previousSecretExpiresAt: { before: null, after: row!.previousSecretExpiresAt!.toISOString() } },
      data: { endpoint },
    });
    return { endpoint, secret };
  });
}

/** Queues a `webhook.test` event for this endpoint alone, delivered and signed like any other. */
export async function sendTestEvent(ctx: CoreContext, id: string, { now = () => new Date() }: EndpointOptions = {}): Promise<WebhookDeliveryDto> {
  authorizeEndpoints(ctx.principal);
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
  await recordEvent(tx, principal, { type, subject: { type: 'webhook-endpoint', id: current.id }, organizationId: endpoint.organizationId ?? undefined, changes: diff, data: { endpoint } });
  return endpoint;
}

/** Endpoint `id`, looked up among organization `organizationId`'s when one is given (what authorizeEndpoints returns). */
export async function findEndpoint(db: Pick<CoreContext['db'], 'select'>, id: string, organizationId: string | undefined): Promise<WebhookEndpointRow> {
  return (await selectWithMaker(db, id, { organizationId })).endpoint;
}

/**
 * An endpoint `principal` may change (update, delete, rotate, test, resend): what an owner made (or an owner's key,
 * or the operator), only owners may; admins the rest. Reading stays open to whoever holds webhooks:write.
 */
export async function findManagedEndpoint(db: Pick<CoreContext['db'], 'select'>, principal: Principal, id: string): Promise<WebhookEndpointRow> {
  const { endpoint, madeBy } = await selectWithMaker(db, id, { organizationId: authorizeEndpoints(principal) });
  authorizeManagement(principal, madeBy);
  return endpoint;
}

/** Whether `principal` may change this endpoint: the console shows its controls only then (the use cases check anyway). */
export async function mayManageWebhookEndpoint(ctx: CoreContext, id: string): Promise<boolean> {
  const organizationId = authorizeEndpoints(ctx.principal);
  return mayManage(ctx.principal, (await selectWithMaker(ctx.db, id, { organizationId })).madeBy);
}

/** findManagedEndpoint, locked in `tx` for the change, and at the version the caller last saw. */
async function lockManagedEndpoint(tx: Transaction, principal: Principal, id: string, version: WriteOptions = {}): Promise<WebhookEndpointRow> {
  const { endpoint, madeBy } = await selectWithMaker(tx, id, { lock: true, organizationId: authorizeEndpoints(principal) });
  authorizeManagement(principal, madeBy);
  checkVersion('endpoint', endpoint.version, version);
  return endpoint;
}

/** Endpoint `id` and its maker's role; among organization `organizationId`'s only, when one is given. */
async function selectWithMaker(
  db: Pick<CoreContext['db'], 'select'>,
  id: string,
  { lock = false, organizationId }: { lock?: boolean; organizationId: string | undefined },
): Promise<{ endpoint: WebhookEndpointRow; madeBy: Role }> {
  if (!isUuid(id)) throw new NotFound('Webhook endpoint');
  const query = db
    .select({ endpoint: webhookEndpoints, madeBy: endpointMakerRole })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), endpointsOf(organizationId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new NotFound('Webhook endpoint');
  return row;
}

function recordEndpointEvent(tx: Transaction, principal: Principal, type: 'webhook-endpoint.created' | 'webhook-endpoint.deleted', before?: WebhookEndpointDto, after?: WebhookEndpointDto) {
  const endpoint = (after ?? before)!;
  return recordEvent(tx, principal, {
    type,
    subject: { type: 'webhook-endpoint', id: endpoint.id },
    organizationId: endpoint.organizationId ?? undefined,
    changes: diffFields(before, after, endpointFields),
    data: { endpoint },
  });
}

async function assertReachable(url: URL, network: NetworkPolicy): Promise<void> {
  const refusal = await refusalFor(url, network);
  if (refusal) throw new ValidationFailed([{ path: ['url'], message: refusal }]);
}
