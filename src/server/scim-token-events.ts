import type { EventDto, EventFeed } from '@/core/events';
import { processScimTokenCache, type ScimTokenCache } from '@/core/scim/token-cache';
import { logger } from '@/lib/logger';
import { getEventFeed } from './event-feed';

/**
 * Forgets the SCIM tokens `cache` remembers whenever a connection's tokens change anywhere (`scim-connection.revoked`,
 * `.token-rotated`, organization deletion's revocations), so another instance's revocation takes effect here as soon as
 * its event arrives (PostgreSQL's NOTIFY; the feed's poll if a notification was lost), and never later than the
 * cache's lifetime. Returns the function that stops listening.
 */
export function forgetScimTokensOnEvents(feed: EventFeed, cache: ScimTokenCache = processScimTokenCache()): () => void {
  return feed.add({
    deliver: (event: EventDto) => {
      if (event.type === 'scim-connection.revoked' || event.type === 'scim-connection.token-rotated') cache.forget();
    },
    close: () => {},
  });
}

/** The process's cache follows the process's event feed (started from instrumentation.ts). */
export function followScimTokenEvents(): void {
  getEventFeed().then(
    (feed) => forgetScimTokensOnEvents(feed),
    (error: unknown) => logger.error({ err: error }, 'could not follow the event log; SCIM tokens revoked elsewhere stop working here within the token cache lifetime'),
  );
}
