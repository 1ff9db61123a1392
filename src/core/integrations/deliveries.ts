import 'server-only';
import { and, desc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { webhookDeliveries } from '@/db/schema';
import { Conflict, NotFound } from '../errors';
import { recordEvent } from '../events';
import { decodeCursor, encodeCursor } from '../keyset-cursor';
import type { CoreContext } from '../principal';
import { isUuid, parseInput } from '../validation';
import { authorizeEndpoints } from './endpoint-scope';
import { toDeliveryDto, type WebhookDeliveryDto } from './dto';
import { findEndpoint, findManagedEndpoint } from './endpoints';
import { listDeliveriesQuery } from './schemas';

export interface DeliveryPage {
  items: WebhookDeliveryDto[];
  nextCursor: string | null;
}

/** An endpoint's deliveries, newest first, in keyset pages. */
export async function listDeliveries(ctx: CoreContext, endpointId: string, rawQuery: Record<string, string | undefined>): Promise<DeliveryPage> {
  const organizationId = authorizeEndpoints(ctx.principal);
  const query = parseInput(listDeliveriesQuery, rawQuery, 'query');
  const endpoint = await findEndpoint(ctx.db, endpointId, organizationId);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpoint.id),
        after && sql`(${webhookDeliveries.createdAt}, ${webhookDeliveries.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map(toDeliveryDto), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

/**
 * Sends a delivery again now ("resend"), whatever became of it: succeeded, failed, or waiting for its next retry. It
 * keeps its event id, so a receiver that deduplicates on `webhook-id` sees the same event. Not while a process is
 * sending it (its lease is live): that is a Conflict, since taking the lease away would let a second process send
 * it at the same time and the first one's attempt go unrecorded.
 */
export async function retryDelivery(ctx: CoreContext, endpointId: string, deliveryId: string, { now = () => new Date() }: { now?: () => Date } = {}): Promise<WebhookDeliveryDto> {
  const endpoint = await findManagedEndpoint(ctx.db, ctx.principal, endpointId);
  if (!isUuid(deliveryId)) throw new NotFound('Delivery');
  return ctx.db.transaction(async (tx) => {
    const at = now();
    const ofEndpoint = and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpoint.id));
    const [row] = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: at, leaseToken: null, leaseExpiresAt: null })
      .where(and(ofEndpoint, or(isNull(webhookDeliveries.leaseExpiresAt), lte(webhookDeliveries.leaseExpiresAt, at))))
      .returning();
    if (!row) {
      const [exists] = await tx.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(ofEndpoint);
      if (!exists) throw new NotFound('Delivery');
      throw new Conflict('This delivery is being sent right now: resend it once this attempt is recorded.');
    }
    await recordEvent(tx, ctx.principal, {
      type: 'webhook-delivery.retried',
      subject: { type: 'webhook-endpoint', id: endpoint.id },
      organizationId: endpoint.organizationId ?? undefined,
      changes: { delivery: { before: null, after: row.id } },
      data: { delivery: toDeliveryDto(row) },
    });
    return toDeliveryDto(row);
  });
}
