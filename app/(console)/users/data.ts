import 'server-only';
import { unstable_cache } from 'next/cache';
import { consoleContext } from '@/actions/context';
import { NotFound, ValidationFailed } from '@/core/errors';
import { getUser, listUserHistory, listUsers, type UserPage } from '@/core/users';
import { consoleRevalidateSeconds as revalidate, userTag, usersTag } from '@/lib/tags';

// Cached console reads. Every door that writes expires these tags: actions with updateTag, route handlers
// with revalidateTag(tag, 'max'). Results are plain DTOs (JSON), so nothing but public fields is cached.
// Writes that bypass this process (another instance, the CLI on PostgreSQL) show up within `revalidate`.

export type UserListResult = ({ ok: true } & UserPage) | { ok: false; problems: string[] };

/** Arguments are part of the cache key, so each filter/page combination is its own entry. */
export const readUserList = unstable_cache(
  async (query: Record<string, string | undefined>): Promise<UserListResult> => {
    try {
      return { ok: true, ...(await listUsers(await consoleContext(), query)) };
    } catch (error) {
      if (error instanceof ValidationFailed) return { ok: false, problems: error.issues.map((issue) => issue.message) };
      throw error;
    }
  },
  ['console-user-list'],
  { tags: [usersTag], revalidate },
);

export function readUser(id: string) {
  return unstable_cache(
    async () => {
      try {
        return await getUser(await consoleContext(), id);
      } catch (error) {
        if (error instanceof NotFound) return null;
        throw error;
      }
    },
    ['console-user', id],
    { tags: [userTag(id)], revalidate },
  )();
}

export function readUserHistory(id: string) {
  return unstable_cache(async () => listUserHistory(await consoleContext(), id), ['console-user-history', id], {
    tags: [userTag(id)],
    revalidate,
  })();
}
