import { purgeExpiredRecords, retentionPolicyFromEnv } from '@/core/retention';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { runPeriodically, type StopJob } from './periodic';

/**
 * Deletes what has outlived its retention (webhook deliveries, Stripe events, email, link tokens, invitations,
 * idempotency keys; see RetentionPolicy): at start, then every `intervalMs` (hourly). Safe on every instance at once.
 */
export function startRetentionPurge(intervalMs = 60 * 60 * 1000): StopJob {
  const policy = retentionPolicyFromEnv();
  return runPeriodically(
    intervalMs,
    async () => {
      const purged = await purgeExpiredRecords((await getDatabase()).db, policy);
      if (Object.values(purged).some((count) => count > 0)) logger.info({ purged, retentionDays: policy }, 'records past their retention purged');
    },
    'retention purge failed; will retry',
  );
}
