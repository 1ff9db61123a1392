import { EventSource } from 'eventsource';
import type { components } from './openapi-types.js';

/** An event of Roster's log, as the stream, the audit trail and outgoing webhooks carry it. */
export type RosterEvent = components['schemas']['Event'];
export type RosterEventType = RosterEvent['type'];
/** An event of one type. */
export type RosterEventOf<Type extends RosterEventType> = RosterEvent & { type: Type };

export interface SubscribeOptions<Type extends RosterEventType> {
  /** Roster's origin. */
  baseUrl: string;
  /** A bearer allowed to read events (an admin's token, or an API key with `events:read`). */
  token: string;
  /** The types to receive; the server sends no others. */
  types: readonly [Type, ...Type[]];
  /** Only the events about this organization. */
  organizationId?: string;
  /** Resume after this event (the `id:` of the last one handled, kept across restarts): nothing after it is missed. */
  lastEventId?: string;
  /** Each event, in log order, with the id to resume after it. */
  onEvent(event: RosterEventOf<Type>, lastEventId: string): void;
  /** The resume point was older than the server's retention: what follows starts at the oldest event it kept. */
  onPruned?(): void;
  /** A failed connection. The stream reconnects by itself (with Last-Event-ID) unless `closed` says it gave up. */
  onError?(error: Error, closed: boolean): void;
  fetch?: typeof fetch;
}

export interface EventSubscription {
  /** The id of the last event delivered: store it to resume after a restart. */
  readonly lastEventId: string | undefined;
  close(): void;
}

/**
 * Follows `GET /api/v1/events` (Server-Sent Events) for some event types. After a dropped connection or a server's
 * `reconnect` it reconnects and sends `Last-Event-ID`, so the server replays what was missed, with no gap and no
 * duplicate; `lastEventId` does the same for a new subscription.
 */
export function subscribeEvents<Type extends RosterEventType>(options: SubscribeOptions<Type>): EventSubscription {
  const url = new URL('/api/v1/events', options.baseUrl);
  url.searchParams.set('types', options.types.join(','));
  if (options.organizationId) url.searchParams.set('organizationId', options.organizationId);
  let lastEventId = options.lastEventId;
  const send = options.fetch ?? fetch;
  const source = new EventSource(url, {
    // Our own resume point on every connection: the library only knows ids it received itself.
    fetch: (input, init) =>
      send(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${options.token}`, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) } }),
  });
  for (const type of new Set(options.types)) {
    source.addEventListener(type, (message) => {
      lastEventId = message.lastEventId;
      options.onEvent(JSON.parse(message.data) as RosterEventOf<Type>, lastEventId);
    });
  }
  source.addEventListener('pruned', () => options.onPruned?.());
  source.addEventListener('error', (error) => options.onError?.(new Error(error.message ?? 'The event stream failed'), source.readyState === source.CLOSED));
  return {
    get lastEventId() {
      return lastEventId;
    },
    close: () => source.close(),
  };
}
