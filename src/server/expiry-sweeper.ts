import { endExpiredImpersonations } from '@/core/impersonation';
import { DEFAULT_STAGING_HOURS, sweepStagedImportRows } from '@/core/users/import';
import { liftEndedSuspensions } from '@/core/users';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { runPeriodically, type StopJob } from './periodic';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Records what ends by the clock: impersonations past their hard limit (their session already signs nobody in; this
 * writes `impersonation.ended` and deletes it), suspensions past their end date (the user is active again, with a
 * `user.updated` event whose reason is "suspension ended"), and import rows staged longer than
 * ROSTER_IMPORT_STAGING_HOURS (a request that died before its job, or a finished job's refused rows). Every
 * `intervalMs` (a minute); safe on every instance at once, since each end is a conditional update or delete that only
 * one instance wins.
 */
export function startExpirySweeper(intervalMs = 60 * 1000, stagingHours = Number(process.env.ROSTER_IMPORT_STAGING_HOURS) || DEFAULT_STAGING_HOURS): StopJob {
  return runPeriodically(
    intervalMs,
    async () => {
      const { db } = await getDatabase();
      const ended = await endExpiredImpersonations(db);
      if (ended > 0) logger.info({ ended }, 'expired impersonations ended');
      const swept = await sweepStagedImportRows(db, stagingHours * HOUR_MS);
      if (swept > 0) logger.info({ swept }, 'stale staged import rows deleted');
      const lifted = await liftEndedSuspensions(db);
      if (lifted > 0) logger.info({ lifted }, 'ended suspensions lifted');
    },
    'expiry sweep failed; will retry',
  );
}
