import Link from 'next/link';
import type { EventDto } from '@/core/events';
import type { Person } from '@/core/users';

/** A user by name and email, linked to their page; a deleted one as such, with the email they had. */
export function PersonLink({ person }: { person: Person }) {
  if (person.deleted) {
    return (
      <span className="text-slate-600">
        deleted user{person.email && <span className="block text-xs">{person.email}</span>}
      </span>
    );
  }
  return (
    <Link href={`/users/${person.id}`} className="text-indigo-700 hover:underline">
      {person.name}
      <span className="block break-all text-xs text-slate-600">{person.email}</span>
    </Link>
  );
}

/** Who did it: a person for a user actor, "First setup" for the anonymous creation of the first owner, else the actor. */
export function EventActor({ event, people }: { event: EventDto; people: Record<string, Person> }) {
  const person = event.actor.startsWith('user:') ? people[event.actor.slice('user:'.length)] : undefined;
  if (person) return <PersonLink person={person} />;
  if (event.actor === 'anonymous' && event.type === 'user.created') return <span>First setup</span>;
  return <span className="font-mono text-xs">{event.actor}</span>;
}
