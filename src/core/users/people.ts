import 'server-only';
import { inArray } from 'drizzle-orm';
import { users } from '@/db/schema';
import { authorize } from '../authorization';
import type { EventDto } from '../events';
import type { CoreContext } from '../principal';
import { isUuid } from '../validation';

/** Who a user id is, for showing an actor or subject; `deleted` with the email the event carried, if any. */
export type Person = { id: string; name: string; email: string; deleted: false } | { id: string; email: string | null; deleted: true };

export const userIdOfActor = (actor: string) => (actor.startsWith('user:') ? actor.slice('user:'.length) : null);

/**
 * The people a page of events names (user actors and user subjects), looked up in one query: no query per row.
 * Users since deleted come back as deleted, with the email their own user.* event carried (`data.user.email`).
 */
export async function peopleOfEvents(ctx: CoreContext, events: EventDto[]): Promise<Map<string, Person>> {
  const ids = new Set<string>();
  for (const event of events) {
    const actor = userIdOfActor(event.actor);
    if (actor) ids.add(actor);
    if (event.subject?.type === 'user') ids.add(event.subject.id);
  }
  const people = await peopleByIds(ctx, [...ids]);
  for (const [id, person] of people) {
    if (!person.deleted) continue;
    const carried = events.filter((event) => event.subject?.type === 'user' && event.subject.id === id).map(carriedEmail).find(Boolean);
    people.set(id, { id, deleted: true, email: carried ?? null });
  }
  return people;
}

/** The people these ids name, in one query; ids that name nobody (now) come back as deleted, without an email. */
export async function peopleByIds(ctx: CoreContext, ids: readonly string[]): Promise<Map<string, Person>> {
  authorize(ctx.principal, 'users:read');
  const wanted = [...new Set(ids)].filter(isUuid);
  const rows = wanted.length ? await ctx.db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, wanted)) : [];
  const people = new Map<string, Person>(rows.map((row) => [row.id, { ...row, deleted: false }]));
  for (const id of wanted) if (!people.has(id)) people.set(id, { id, deleted: true, email: null });
  return people;
}

/** The email a user.* event's payload carries (`data.user.email`), if any. */
function carriedEmail(event: EventDto): string | undefined {
  const email = (event.data as { user?: { email?: unknown } }).user?.email;
  return typeof email === 'string' ? email : undefined;
}
