import { purgeExpiredIdempotencyKeys } from '@/core/idempotency';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';

/** Forgets idempotency keys past their 24 hours, every `intervalMs` (hourly). Returns a function that stops it. */
export function startIdempotencyKeyPurge(intervalMs = 60 * 60 * 1000): () => void {
  const timer = setInterval(async () => {
    try {
      const purged = await purgeExpiredIdempotencyKeys((await getDatabase()).db);
      if (purged > 0) logger.info({ purged }, 'expired idempotency keys purged');
    } catch (error) {
      logger.warn({ err: error }, 'idempotency key purge failed; will retry');
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
