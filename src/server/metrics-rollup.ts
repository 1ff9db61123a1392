import { rollUpMetrics } from '@/core/metrics';
import { getDatabase } from '@/db';
import { runPeriodically, type StopJob } from './periodic';

const fiveMinutesMs = 5 * 60 * 1000;

/**
 * Keeps the overview's rollup current (src/core/metrics/rollup.ts): at start, then every five minutes, so today's
 * figures and the totals are at most that old. Safe on every instance at once (each pass is an idempotent upsert).
 */
export function startMetricsRollup(intervalMs = fiveMinutesMs): StopJob {
  return runPeriodically(
    intervalMs,
    async () => {
      const { db } = await getDatabase();
      await rollUpMetrics(db);
    },
    'metrics rollup failed; will retry',
  );
}
