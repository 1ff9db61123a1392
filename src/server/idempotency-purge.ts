import { purgeExpiredIdempotencyKeys } from '@/core/idempotency';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { runPeriodically, type StopJob } from './periodic';

/** Forgets idempotency keys past their 24 hours: at start, then every `intervalMs` (hourly). Returns the stop. */
export function startIdempotencyKeyPurge(intervalMs = 60 * 60 * 1000): StopJob {
  return runPeriodically(
    intervalMs,
    async () => {
      const purged = await purgeExpiredIdempotencyKeys((await getDatabase()).db);
      if (purged > 0) logger.info({ purged }, 'expired idempotency keys purged');
    },
    'idempotency key purge failed; will retry',
  );
}
