import type { EventDto } from '@/core/events';
import { tagsForEvent } from '@/lib/tags';
import { logger } from '@/lib/logger';
import { getEventFeed } from './event-feed';

type ExpireTags = Set<(tags: string[]) => Promise<void>>;
const expireKey = Symbol.for('roster.expire-cache-tags');

/**
 * Expires, at once, the cached console reads of everything each committed event changed: an event is in the log
 * whatever door, instance or background job wrote it, and the feed hears every commit through PostgreSQL's NOTIFY.
 * So another instance's write (or the Stripe sweeper's) shows on this instance's console on its next read, not
 * after the 60-second revalidate. Writes on this instance also expire their tags themselves, in their request.
 */
export function expireCacheOnEvents(): void {
  getEventFeed().then(
    (feed) => feed.add({ deliver: expireTagsOf, close: () => {} }),
    (error: unknown) => logger.error({ err: error }, 'could not follow the event log; console caches expire by age only'),
  );
}

function expireTagsOf(event: EventDto): void {
  const tags = tagsForEvent(event.subject, event.organizationId);
  // Registered once Next first loads its cache (src/server/cache-handler.mjs): until then nothing is cached.
  const expirers = (globalThis as unknown as Record<symbol, ExpireTags | undefined>)[expireKey];
  if (tags.length > 0) for (const expire of expirers ?? []) void expire(tags);
}
