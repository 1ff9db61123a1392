import type { EventDto } from '@/core/events';
import type { Person } from '@/core/users';
import { EventActor } from './person';
import { Timestamp } from './timestamp';

/** Whom a member.* event is about, by email: an organization's history names the member. */
const memberEmail = (event: EventDto) => (event.data as { member?: { email?: unknown } }).member?.email;

/** A History panel: the latest events about a user or an organization, newest first, with what each changed. */
export function EventHistory({ events, people = {} }: { events: EventDto[]; people?: Record<string, Person> }) {
  return (
    <section aria-labelledby="history" className="space-y-3">
      <h2 id="history" className="font-semibold">History</h2>
      <ol className="space-y-3 text-sm">
        {events.map((event) => (
          <li key={event.id} className="rounded-md border border-slate-200 bg-white p-3">
            <p className="font-medium">{event.type}</p>
            {typeof memberEmail(event) === 'string' && <p className="text-xs text-slate-600">{String(memberEmail(event))}</p>}
            <p className="text-xs text-slate-600">
              <EventActor event={event} people={people} /> via {event.door} · <Timestamp iso={event.occurredAt} />
            </p>
            <ul className="mt-1 text-xs text-slate-600">
              {Object.entries(event.data.changes).map(([field, change]) => (
                <li key={field}>
                  {field}: {String(change.before ?? '—')} → {String(change.after ?? '—')}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
