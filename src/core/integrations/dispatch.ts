import 'server-only';
import { eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '@/db/client';
import { webhookDeliveries, webhookDispatchCursor, webhookEndpoints } from '@/db/schema';
import { readEventsAfter, type EventDto } from '../events';
import { isDeliverable } from './schemas';

const everything = { access: { all: true } } as const;

/** Events read per dispatch transaction. */
export const dispatchBatchSize = 500;

export interface DispatchedBatch {
  events: number;
  deliveries: number;
}

/**
 * Whether an endpoint wants an event: one of its types (or '*' for every deliverable one), made after the endpoint,
 * and (an organization's endpoint) about its organization.
 */
const wants = (endpoint: { eventTypes: string[]; startsAfterPosition: number; organizationId: string | null }, event: EventDto) =>
  Number(event.position) > endpoint.startsAfterPosition &&
  (endpoint.organizationId === null || endpoint.organizationId === event.organizationId) &&
  (endpoint.eventTypes.includes(event.type) || (endpoint.eventTypes.includes('*') && isDeliverable(event.type)));

/**
 * Turns the next events of the log into deliveries, one per enabled endpoint that wants each, and moves the cursor
 * past them, in one transaction: a crash before the commit leaves both as they were, so the events are dispatched
 * again and no delivery is lost or doubled (one per endpoint and event). The cursor row is locked with SKIP LOCKED:
 * while one process dispatches, the others skip. Resolves to how many events it dispatched (none when there are none
 * or another process has the cursor) and how many deliveries they made; fewer events than `batchSize` means the
 * cursor has caught up with the log as this transaction saw it.
 */
export async function dispatchEvents(
  db: Database,
  { batchSize = dispatchBatchSize, now = () => new Date() }: { batchSize?: number; now?: () => Date } = {},
): Promise<DispatchedBatch> {
  return db.transaction(async (tx) => {
    const [cursor] = await tx.select().from(webhookDispatchCursor).where(eq(webhookDispatchCursor.id, 1)).for('update', { skipLocked: true });
    if (!cursor) return { events: 0, deliveries: 0 };
    const events = await readEventsAfter(tx, cursor.position, everything, { limit: batchSize });
    if (events.length === 0) return { events: 0, deliveries: 0 };
    const endpoints = await tx
      .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes, startsAfterPosition: webhookEndpoints.startsAfterPosition, organizationId: webhookEndpoints.organizationId })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.enabled, true));
    const deliveries = events.flatMap((event) =>
      endpoints
        .filter((endpoint) => wants(endpoint, event))
        .map((endpoint) => ({ id: uuidv7(), endpointId: endpoint.id, eventId: event.id, eventType: event.type, payload: JSON.stringify(event), nextAttemptAt: now() })),
    );
    for (let start = 0; start < deliveries.length; start += 1_000) {
      await tx.insert(webhookDeliveries).values(deliveries.slice(start, start + 1_000)).onConflictDoNothing();
    }
    await tx.update(webhookDispatchCursor).set({ position: Number(events.at(-1)!.position) }).where(eq(webhookDispatchCursor.id, 1));
    return { events: events.length, deliveries: deliveries.length };
  });
}
