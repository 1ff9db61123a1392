import { eventTypes } from '@/core/events';
import { LiveUpdatesClient, type LiveUpdatesProps } from './live-updates-client';

/** The console's live view of a page (see LiveUpdatesClient), listening to every event type Roster records. */
export function LiveUpdates(props: LiveUpdatesProps) {
  return <LiveUpdatesClient {...props} types={eventTypes} />;
}
