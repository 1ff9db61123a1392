import 'server-only';
import { unstable_cache } from 'next/cache';
import { authorizeConsoleRead, cacheReaderContext } from '@/actions/cached-reads';
import { NotFound, ValidationFailed } from '@/core/errors';
import { countUsers, getUser, listUserHistory, listUsersWithActivity, peopleOfEvents } from '@/core/users';
import { consoleRevalidateSeconds as revalidate, userTag, usersTag } from '@/lib/tags';

// Cached console reads. Every door that writes expires these tags: actions with updateTag, route handlers
// with revalidateTag(tag, 'max'). Results are plain DTOs (JSON), so nothing but public fields is cached.
// Writes that bypass this process (another instance, the CLI on PostgreSQL, the Stripe sweeper) expire them
// when the event feed hears of their event (src/server/cache-tags.ts).
// Each export checks the reader's permission first: the cache is shared, the check is per request.

type UserListPage = Awaited<ReturnType<typeof listUsersWithActivity>> & { total: number; exact: boolean };
export type UserListResult = ({ ok: true } & UserListPage) | { ok: false; problems: string[] };

/** Arguments are part of the cache key, so each filter/page combination is its own entry. */
const cachedUserList = unstable_cache(
  async (query: Record<string, string | undefined>): Promise<UserListResult> => {
    try {
      const ctx = await cacheReaderContext();
      const [page, count] = await Promise.all([listUsersWithActivity(ctx, query), countUsers(ctx, query)]);
      return { ok: true, ...page, ...count };
    } catch (error) {
      if (error instanceof ValidationFailed) return { ok: false, problems: error.issues.map((issue) => issue.message) };
      throw error;
    }
  },
  ['console-user-list'],
  { tags: [usersTag], revalidate },
);

export async function readUserList(query: Record<string, string | undefined>): Promise<UserListResult> {
  await authorizeConsoleRead('users:read');
  return cachedUserList(query);
}

export async function readUser(id: string) {
  await authorizeConsoleRead('users:read');
  return unstable_cache(
    async () => {
      try {
        return await getUser(await cacheReaderContext(), id);
      } catch (error) {
        if (error instanceof NotFound) return null;
        throw error;
      }
    },
    ['console-user', id],
    { tags: [userTag(id)], revalidate },
  )();
}

export async function readUserHistory(id: string) {
  await authorizeConsoleRead('users:read');
  return unstable_cache(
    async () => {
      const ctx = await cacheReaderContext();
      const events = await listUserHistory(ctx, id);
      return { events, people: Object.fromEntries(await peopleOfEvents(ctx, events)) };
    },
    ['console-user-history', id],
    {
      tags: [userTag(id)],
      revalidate,
    },
  )();
}
