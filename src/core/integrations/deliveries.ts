import 'server-only';
import { and, desc, eq, sql } from 'drizzle-orm';
import { webhookDeliveries } from '@/db/schema';
import { authorize } from '../authorization';
import { NotFound } from '../errors';
import { recordEvent } from '../events';
import { decodeCursor, encodeCursor } from '../keyset-cursor';
import type { CoreContext } from '../principal';
import { isUuid, parseInput } from '../validation';
import { toDeliveryDto, type WebhookDeliveryDto } from './dto';
import { findEndpoint } from './endpoints';
import { listDeliveriesQuery } from './schemas';

export interface DeliveryPage {
  items: WebhookDeliveryDto[];
  nextCursor: string | null;
}

/** An endpoint's deliveries, newest first, in keyset pages. */
export async function listDeliveries(ctx: CoreContext, endpointId: string, rawQuery: Record<string, string | undefined>): Promise<DeliveryPage> {
  authorize(ctx.principal, 'webhooks:write');
  const query = parseInput(listDeliveriesQuery, rawQuery, 'query');
  const endpoint = await findEndpoint(ctx.db, endpointId);
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
 * keeps its event id, so a receiver that deduplicates on `webhook-id` sees the same event.
 */
export async function retryDelivery(ctx: CoreContext, endpointId: string, deliveryId: string, { now = () => new Date() }: { now?: () => Date } = {}): Promise<WebhookDeliveryDto> {
  authorize(ctx.principal, 'webhooks:write');
  const endpoint = await findEndpoint(ctx.db, endpointId);
  if (!isUuid(deliveryId)) throw new NotFound('Delivery');
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: now(), leaseToken: null, leaseExpiresAt: null })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpoint.id)))
      .returning();
    if (!row) throw new NotFound('Delivery');
    await recordEvent(tx, ctx.principal, {
      type: 'webhook-delivery.retried',
      subject: { type: 'webhook-endpoint', id: endpoint.id },
      changes: { delivery: { before: null, after: row.id } },
      data: { delivery: toDeliveryDto(row) },
    });
    return toDeliveryDto(row);
  });
}
