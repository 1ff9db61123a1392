import { endExpiredImpersonations } from '@/core/impersonation';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { runPeriodically, type StopJob } from './periodic';

/**
 * Records what ends by the clock: impersonations past their hard limit (their session already signs nobody in; this
 * writes `impersonation.ended` and deletes it). Every `intervalMs` (a minute); safe on every instance at once, since
 * each end is a conditional update that only one instance wins.
 */
export function startExpirySweeper(intervalMs = 60 * 1000): StopJob {
  return runPeriodically(
    intervalMs,
    async () => {
      const ended = await endExpiredImpersonations((await getDatabase()).db);
      if (ended > 0) logger.info({ ended }, 'expired impersonations ended');
    },
    'expiry sweep failed; will retry',
  );
}
