import { processDueWebhookEvents } from '@/core/webhooks';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { runPeriodically, type StopJob } from './periodic';

/**
 * Processes stored webhook events that are due: at start (whatever a crash or deploy left pending) and then every
 * `intervalMs` (retries with backoff). Runs outside any request, so it can't expire cache tags; the console's cached
 * reads catch up within their revalidate window.
 */
export function startWebhookSweeper(intervalMs = Number(process.env.ROSTER_WEBHOOK_SWEEP_MS ?? 30_000)): StopJob {
  return runPeriodically(
    intervalMs,
    async () => {
      const { db } = await getDatabase();
      const results = await processDueWebhookEvents(db);
      if (results.length > 0) {
        const counts: Record<string, number> = {};
        for (const { status } of results) counts[status] = (counts[status] ?? 0) + 1;
        logger.info({ swept: results.length, ...counts }, 'webhook sweep');
      }
    },
    'webhook sweep failed; will retry',
  );
}
