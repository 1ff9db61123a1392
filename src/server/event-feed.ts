import { EventFeed } from '@/core/events';
import { Unavailable } from '@/core/errors';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { isDraining } from './shutdown';

// One feed per process, shared by every stream: route handlers and instrumentation are separate bundles, so it
// lives on globalThis, like the database handle.
const globalForFeed = globalThis as unknown as { rosterEventFeed?: Promise<EventFeed> };

/** The process's reader of the event log, started on first use. A server that is shutting down opens no new stream. */
export function getEventFeed(): Promise<EventFeed> {
  if (isDraining()) return Promise.reject(new Unavailable('This server is shutting down; reconnect to continue.'));
  globalForFeed.rosterEventFeed ??= getDatabase()
    .then((handle) =>
      EventFeed.start(handle, {
        pollMs: Number(process.env.ROSTER_EVENTS_POLL_MS ?? 1_000),
        onError: (error) => logger.warn({ err: error }, 'event feed could not read the log; retrying'),
      }),
    )
    .catch((error: unknown) => {
      globalForFeed.rosterEventFeed = undefined;
      throw error;
    });
  return globalForFeed.rosterEventFeed;
}

/** Ends every open stream (each is told to reconnect) and stops reading the log. */
export async function closeEventFeed(): Promise<void> {
  const feed = globalForFeed.rosterEventFeed;
  globalForFeed.rosterEventFeed = undefined;
  if (feed) await (await feed.catch(() => undefined))?.close();
}
