import 'server-only';
import { cacheTag } from 'next/cache';
import { consoleContext } from '@/actions/context';
import { NotFound, ValidationFailed } from '@/core/errors';
import { getUser, listUserHistory, listUsers, type ListUsersQuery, type UserPage } from '@/core/users';
import { userTag, usersTag } from '@/lib/tags';

// Cached console reads. Every door that writes expires these tags: actions with updateTag,
// route handlers with revalidateTag(tag, 'max'). Results are plain data, so nothing else leaks across requests.

export type UserListResult = ({ ok: true } & UserPage) | { ok: false; problems: string[] };

export async function readUserList(query: Record<string, string | undefined>): Promise<UserListResult> {
  'use cache';
  cacheTag(usersTag);
  try {
    return { ok: true, ...(await listUsers(await consoleContext(), query as ListUsersQuery)) };
  } catch (error) {
    if (error instanceof ValidationFailed) return { ok: false, problems: error.issues.map((issue) => issue.message) };
    throw error;
  }
}

export async function readUser(id: string) {
  'use cache';
  cacheTag(userTag(id));
  try {
    return await getUser(await consoleContext(), id);
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
}

export async function readUserHistory(id: string) {
  'use cache';
  cacheTag(userTag(id));
  return listUserHistory(await consoleContext(), id);
}
