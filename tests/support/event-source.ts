import type { EventSource } from 'eventsource';
import { eventTypes } from '@/core/events';

/**
 * Listens to every event type Roster records, as a client that wants them all must: each event arrives under its type
 * (`event: user.created`), so `onmessage` hears none of them.
 */
export function onEveryEvent(source: EventSource, listener: (event: MessageEvent<string>) => void): void {
  for (const type of eventTypes) source.addEventListener(type, listener);
}
