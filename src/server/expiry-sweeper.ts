import { endExpiredImpersonations } from '@/core/impersonation';
import { liftEndedSuspensions } from '@/core/users';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { runPeriodically, type StopJob } from './periodic';

/**
 * Records what ends by the clock: impersonations past their hard limit (their session already signs nobody in; this
 * writes `impersonation.ended` and deletes it), and suspensions past their end date (the user is active again, with a
 * `user.updated` event whose reason is "suspension ended"). Every `intervalMs` (a minute); safe on every instance at once, since
 * each end is a conditional update that only one instance wins.
 */
export function startExpirySweeper(intervalMs = 60 * 1000): StopJob {
  return runPeriodically(
    intervalMs,
    async () => {
      const { db } = await getDatabase();
      const ended = await endExpiredImpersonations(db);
      if (ended > 0) logger.info({ ended }, 'expired impersonations ended');
      const lifted = await liftEndedSuspensions(db);
      if (lifted > 0) logger.info({ lifted }, 'ended suspensions lifted');
    },
    'expiry sweep failed; will retry',
  );
}
