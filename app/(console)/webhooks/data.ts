import 'server-only';
import { unstable_cache } from 'next/cache';
import { authorizeConsoleRead, cacheReaderContext } from '@/actions/cached-reads';
import { listWebhookEvents } from '@/core/webhooks';
import { consoleRevalidateSeconds, webhooksTag } from '@/lib/tags';

/** How many of the most recently received events the page lists. */
export const webhookEventsShown = 100;

// Expired by the Stripe route once it has processed an event (revalidateTag) and by the reprocess action
// (updateTag). The sweeper runs outside any request and can't expire it: its retries show up within the bound.
const cachedWebhookEvents = unstable_cache(
  async () => listWebhookEvents(await cacheReaderContext(), { limit: webhookEventsShown }),
  ['console-webhook-events'],
  { tags: [webhooksTag], revalidate: consoleRevalidateSeconds },
);

export async function readWebhookEvents() {
  await authorizeConsoleRead('webhooks:read');
  return cachedWebhookEvents();
}
