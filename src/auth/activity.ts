import { eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { users } from '@/db/schema';

/**
 * Marks a user active when Better Auth creates or refreshes one of their sessions (sign-in; a refresh happens at
 * most once a day per session, `updateAge`), for the users list's "Last active" column and sort. Not a change to
 * the user: no version bump, no event.
 */
export function markActive(db: Database) {
  return async (session: { userId: string }) => {
    await db.update(users).set({ lastActiveAt: new Date() }).where(eq(users.id, session.userId));
  };
}
