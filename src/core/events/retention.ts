import 'server-only';
import { and, asc, inArray, lt, lte, max, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { auditEvents, eventLogHorizon } from '@/db/schema';
import { daysFromEnv } from '../retention/policy';

/** How long events (the audit trail) are kept: ROSTER_EVENT_RETENTION_DAYS, 30 days unless set. */
export const retentionDaysFromEnv = (env: Record<string, string | undefined> = process.env): number => daysFromEnv('ROSTER_EVENT_RETENTION_DAYS', 30, env);

/**
 * Deletes events older than `before`: always a prefix of the log in position order, so "pruned through P" is exact.
 * In batches, each a transaction that also records how far pruning got: a reader resuming from before that point is
 * told its events can't be replayed. Several processes may prune at once; the recorded horizon only moves forward.
 */
export async function pruneEvents(db: Database, before: Date, { batchSize = 5_000 }: { batchSize?: number } = {}): Promise<number> {
  const [cut] = await db.select({ position: max(auditEvents.position) }).from(auditEvents).where(lt(auditEvents.createdAt, before));
  if (cut?.position == null) return 0;
  const through = cut.position;
  let deleted = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const doomed = await tx
        .select({ id: auditEvents.id, position: auditEvents.position })
        .from(auditEvents)
        .where(lte(auditEvents.position, through))
        .orderBy(asc(auditEvents.position))
        .limit(batchSize);
      if (doomed.length === 0) return 0;
      await tx.delete(auditEvents).where(inArray(auditEvents.id, doomed.map((event) => event.id)));
      const prunedThrough = doomed.at(-1)!.position!;
      await tx
        .insert(eventLogHorizon)
        .values({ id: 1, prunedThrough })
        .onConflictDoUpdate({
          target: eventLogHorizon.id,
          set: { prunedThrough, prunedAt: sql`now()` },
          setWhere: and(lt(eventLogHorizon.prunedThrough, prunedThrough)),
        });
      return doomed.length;
    });
    deleted += count;
    if (count < batchSize) return deleted;
  }
}
