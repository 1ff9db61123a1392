import { pruneEvents, retentionDaysFromEnv } from '@/core/events';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { runPeriodically, type StopJob } from './periodic';

const hourMs = 60 * 60 * 1000;

/**
 * Deletes events (the audit trail) older than ROSTER_EVENT_RETENTION_DAYS: at start, then hourly. Safe to run on
 * every instance at once: each batch is a transaction, and the retention horizon only moves forward.
 */
export function startEventPruning(intervalMs = hourMs): StopJob {
  const days = retentionDaysFromEnv();
  return runPeriodically(
    intervalMs,
    async () => {
      const { db } = await getDatabase();
      const deleted = await pruneEvents(db, new Date(Date.now() - days * 24 * hourMs));
      if (deleted > 0) logger.info({ deleted, retentionDays: days }, 'pruned old events');
    },
    'event pruning failed; will retry',
  );
}
