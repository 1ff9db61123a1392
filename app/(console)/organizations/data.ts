import 'server-only';
import { unstable_cache } from 'next/cache';
import { cacheReaderContext } from '@/actions/cached-reads';
import type { OrganizationRow } from '@/components/organization-table';
import { consoleContext } from '@/actions/context';
import { NotFound, ValidationFailed } from '@/core/errors';
import { getOrganization, listMembers, listOrganizations, type OrganizationDto } from '@/core/organizations';
import { authorizeInOrganization } from '@/core/organizations/access';
import { authorizeStaffRead, memberCounts, organizationHistory, organizationsOfUser } from '@/core/organizations/staff-views';
import { consoleRevalidateSeconds as revalidate, organizationTag, organizationsTag, usersTag, userTag } from '@/lib/tags';

// Cached console reads of organizations, as app/(console)/users/data.ts does for users: the reader's permission is
// checked per request before the cache (through the core's own checks), and the cached read runs as the console's
// cache reader. Actions expire the tags with updateTag; every instance expires them when it hears of an event about
// the organization (src/server/cache-tags.ts), whatever door wrote it.

/** A page of a list, or what was wrong with its query (a bad search or cursor) for the page to show. */
export type ListResult<T> = ({ ok: true } & T) | { ok: false; problems: string[] };

async function asListResult<T>(read: () => Promise<T>): Promise<ListResult<T>> {
  try {
    return { ok: true, ...(await read()) };
  } catch (error) {
    if (error instanceof ValidationFailed) return { ok: false, problems: error.issues.map((issue) => issue.message) };
    throw error;
  }
}

const cachedOrganizationList = unstable_cache(
  async (query: Record<string, string | undefined>) =>
    asListResult(async () => {
      const ctx = await cacheReaderContext();
      const page = await listOrganizations(ctx, query);
      const counts = await memberCounts(ctx, page.items.map((organization) => organization.id));
      // Only what a row shows is cached and sent.
      const items: OrganizationRow[] = page.items.map(({ id, name, slug, plan, createdAt }) => ({ id, name, slug, plan, createdAt, members: counts[id] ?? 0 }));
      return { items, nextCursor: page.nextCursor };
    }),
  ['console-organization-list'],
  { tags: [organizationsTag], revalidate },
);

/** One page of the organizations list (`q`, `cursor`, `limit`). */
export async function readOrganizationList(query: Record<string, string | undefined>) {
  authorizeStaffRead((await consoleContext()).principal);
  return cachedOrganizationList(query);
}

/** The signed-in user may read this organization (staff read every one); NotFound for an id that names none. */
async function authorizeOrganizationRead(id: string): Promise<void> {
  await authorizeInOrganization(await consoleContext(), id, 'organization:read');
}

/** The organization, or null when there is none with this id. */
export async function readOrganization(id: string): Promise<OrganizationDto | null> {
  try {
    await authorizeOrganizationRead(id);
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
  return unstable_cache(
    async () => {
      try {
        return await getOrganization(await cacheReaderContext(), id);
      } catch (error) {
        if (error instanceof NotFound) return null;
        throw error;
      }
    },
    ['console-organization', id],
    { tags: [organizationTag(id)], revalidate },
  )();
}

/** One page of the organization's members, oldest first. */
export async function readOrganizationMembers(id: string, cursor: string | undefined) {
  await authorizeOrganizationRead(id);
  return unstable_cache(async () => asListResult(async () => listMembers(await cacheReaderContext(), id, { cursor, limit: '50' })), ['console-organization-members', id, cursor ?? ''], {
    // usersTag too: the rows show the members' names and emails, which change with the users.
    tags: [organizationTag(id), usersTag],
    revalidate,
  })();
}

/** The latest events about the organization. */
export async function readOrganizationHistory(id: string) {
  await authorizeOrganizationRead(id);
  return unstable_cache(async () => organizationHistory(await cacheReaderContext(), id), ['console-organization-history', id], {
    tags: [organizationTag(id)],
    revalidate,
  })();
}

/** The organizations a user belongs to, with their role in each: their page's Organizations panel. */
export async function readUserOrganizations(userId: string) {
  authorizeStaffRead((await consoleContext()).principal);
  return unstable_cache(async () => organizationsOfUser(await cacheReaderContext(), userId), ['console-user-organizations', userId], {
    // organizationsTag too: the panel shows the organizations' names, which change with the organizations.
    tags: [userTag(userId), organizationsTag],
    revalidate,
  })();
}
