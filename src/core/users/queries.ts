import 'server-only';
import { and, desc, eq, ilike, isNull, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { users } from '@/db/schema';
import { authorize } from '../authorization';
import { subjectHistory, type EventDto } from '../events';
import { NotFound } from '../errors';
import type { CoreContext } from '../principal';
import { isUuid, parseInput } from '../validation';
import { decodeCursor, encodeCursor, type KeysetCursor } from '../keyset-cursor';
import { toUserDto, type UserDto, type UserPage } from './dto';
import { listUsersQuery, type ListUsersQuery, type ParsedListUsersQuery, type UserFilter } from './schemas';

export async function getUser({ db, principal }: CoreContext, id: string): Promise<UserDto> {
  authorize(principal, 'users:read');
  if (!isUuid(id)) throw new NotFound('User');
  const [row] = await db.select().from(users).where(eq(users.id, id));
  if (!row) throw new NotFound('User');
  return toUserDto(row);
}

/**
 * Newest first, keyset-paginated on (created_at, id): page N costs the same as page 1. `rawQuery` may come
 * straight from URL search params: unknown keys are ignored, values are validated.
 */
export async function listUsers(
  ctx: CoreContext,
  rawQuery: ListUsersQuery | Record<string, string | undefined>,
): Promise<UserPage> {
  authorize(ctx.principal, 'users:read');
  const query = parseInput(listUsersQuery, rawQuery, 'query');
  const rows = await userListQuery(ctx.db, query);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toUserDto),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}

/** The SQL behind listUsers (one row more than the limit, to know whether a next page exists); exported for EXPLAIN tests. */
export function userListQuery(db: Database, query: ParsedListUsersQuery) {
  return usersNewestFirst(db, query, query.cursor ? decodeCursor(query.cursor) : null, query.limit + 1);
}

/** Users matching the list's filters, newest first, after a keyset position (null: from the newest). */
export function usersNewestFirst(db: Database, filter: UserFilter, after: KeysetCursor | null, limit: number) {
  const conditions = userFilterConditions(filter);
  if (after) conditions.push(sql`(${users.createdAt}, ${users.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`);
  return db
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(limit);
}

/** The same users as usersNewestFirst, all of them, as one SELECT of `cells` (named columns, in order). */
export function usersNewestFirstSelect(filter: UserFilter, cells: readonly (readonly [name: string, cell: AnyColumn | SQL])[]): SQL {
  const columns = sql.join(cells.map(([name, cell]) => sql`${cell} AS ${sql.identifier(name)}`), sql`, `);
  const where = and(...userFilterConditions(filter)) ?? sql`true`;
  return sql`SELECT ${columns} FROM ${users} WHERE ${where} ORDER BY ${users.createdAt} DESC, ${users.id} DESC`;
}

export function userFilterConditions(filter: UserFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.search) {
    const pattern = `%${escapeLikePattern(filter.search)}%`;
    conditions.push(or(ilike(users.name, pattern), ilike(users.email, pattern))!);
  }
  if (filter.role) conditions.push(eq(users.role, filter.role));
  if (filter.status) conditions.push(eq(users.status, filter.status));
  if (filter.plan) conditions.push(eq(users.plan, filter.plan));
  if (filter.subscriptionStatus) {
    conditions.push(filter.subscriptionStatus === 'none' ? isNull(users.subscriptionStatus) : eq(users.subscriptionStatus, filter.subscriptionStatus));
  }
  return conditions;
}

/** The most recent events about one user, newest first. */
export async function listUserHistory({ db, principal }: CoreContext, userId: string, limit = 20): Promise<EventDto[]> {
  authorize(principal, 'users:read');
  if (!isUuid(userId)) throw new NotFound('User');
  return subjectHistory(db, { type: 'user', id: userId }, limit);
}

/** `%` and `_` typed by a user are literal characters, not wildcards. */
function escapeLikePattern(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
