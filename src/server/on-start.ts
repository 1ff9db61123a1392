import { closeDatabase, getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { closeEventFeed } from './event-feed';
import { startEventPruning } from './event-pruning';
import { startIdempotencyKeyPurge } from './idempotency-purge';
import { createOwnerFromEnv } from './owner-from-env';
import { startWebhookDeliverer } from './webhook-deliverer';
import { startMailer } from './mailer';
import { startWebhookSweeper } from './webhook-sweeper';

/**
 * Opens the database (applying pending migrations) before the first request, creates the first owner from the
 * environment if asked to, starts the webhook sweeper, and closes the database on shutdown so the embedded
 * database's files and lock are released cleanly.
 */
export async function onServerStart(): Promise<void> {
  const { db, driver } = await getDatabase();
  logger.info({ driver }, 'database ready, migrations applied');
  await createOwnerFromEnv(db);
  const stopSweeper = startWebhookSweeper();
  const stopPruning = startEventPruning();
  const stopDeliverer = startWebhookDeliverer();
  const stopMailer = startMailer();
  const stopIdempotencyPurge = startIdempotencyKeyPurge();

  const shutdown = async (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    stopSweeper();
    stopPruning();
    stopDeliverer();
    stopMailer();
    stopIdempotencyPurge();
    await closeEventFeed();
    await closeDatabase().catch((error: unknown) => logger.error({ err: error }, 'error while closing the database'));
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
