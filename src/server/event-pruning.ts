import { pruneEvents, retentionDaysFromEnv } from '@/core/events';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';

const hourMs = 60 * 60 * 1000;

/**
 * Deletes events (the audit trail) older than ROSTER_EVENT_RETENTION_DAYS: at start, then hourly. Safe to run on
 * every instance at once: each batch is a transaction, and the retention horizon only moves forward.
 */
export function startEventPruning(intervalMs = hourMs): () => void {
  const days = retentionDaysFromEnv();
  let running = false;
  const prune = async () => {
    if (running) return;
    running = true;
    try {
      const { db } = await getDatabase();
      const deleted = await pruneEvents(db, new Date(Date.now() - days * 24 * hourMs));
      if (deleted > 0) logger.info({ deleted, retentionDays: days }, 'pruned old events');
    } catch (error) {
      logger.error({ err: error }, 'event pruning failed; will retry');
    } finally {
      running = false;
    }
  };
  void prune();
  const timer = setInterval(prune, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
