import { closeDatabase, getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { closeEventFeed } from './event-feed';
import { startEventPruning } from './event-pruning';
import { startExpirySweeper } from './expiry-sweeper';
import { startRetentionPurge } from './retention-purge';
import { createOwnerFromEnv } from './owner-from-env';
import { registerShutdown } from './shutdown';
import { startWebhookDeliverer } from './webhook-deliverer';
import { startMailer } from './mailer';
import { startJobRunner } from './job-runner';
import { startMetricsRollup } from './metrics-rollup';
import { startWebhookSweeper } from './webhook-sweeper';

/**
 * Opens the database (applying pending migrations) before the first request, creates the first owner from the
 * environment if asked to, starts the background jobs, and tells the server (scripts/server.mjs) how to stop them:
 * streams and jobs when draining starts, the database once the last request is done (so the embedded database's
 * files and lock are released cleanly).
 */
export async function onServerStart(): Promise<void> {
  const { db, driver } = await getDatabase();
  logger.info({ driver }, 'database ready, migrations applied');
  await createOwnerFromEnv(db);
  const stopJobs = [startWebhookSweeper(), startEventPruning(), startWebhookDeliverer(), startMailer(), startRetentionPurge(), startJobRunner(), startExpirySweeper(), startMetricsRollup()];

  registerShutdown({
    // Streams never finish by themselves; a job's pass in progress does (and its transaction commits).
    drain: async () => {
      await Promise.all([closeEventFeed(), ...stopJobs.map((stop) => stop())]);
    },
    close: closeDatabase,
  });
}
