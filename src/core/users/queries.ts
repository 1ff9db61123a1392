import 'server-only';
import { and, desc, eq, ilike, isNull, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { users } from '@/db/schema';
import { authorize } from '../authorization';
import { subjectHistory, type EventDto } from '../events';
import { NotFound } from '../errors';
import type { CoreContext } from '../principal';
import { isUuid, parseInput } from '../validation';
import type { KeysetCursor } from '../keyset-cursor';
import { afterPosition, decodeSortCursor, encodeSortCursor, sortOrder } from './sort';
import { toUserDto, type UserDto, type UserPage } from './dto';
import { listUsersQuery, userFilterQuery, type ListUsersQuery, type ParsedListUsersQuery, type UserFilter } from './schemas';

export async function getUser({ db, principal }: CoreContext, id: string): Promise<UserDto> {
  authorize(principal, 'users:read');
  if (!isUuid(id)) throw new NotFound('User');
  const [row] = await db.select().from(users).where(eq(users.id, id));
  if (!row) throw new NotFound('User');
  return toUserDto(row);
}

/**
 * One page in the query's sort (newest first by default), keyset-paginated on (sort key, id): page N costs the same as
 * page 1. `rawQuery` may come straight from URL search params: unknown keys are ignored, values are validated.
 */
export async function listUsers(ctx: CoreContext, rawQuery: ListUsersQuery | Record<string, string | undefined>): Promise<UserPage> {
  const { rows, nextCursor } = await userPageRows(ctx, rawQuery);
  return { items: rows.map(toUserDto), nextCursor };
}

/** The console's page: each user with when they were last active (not part of the API's user). */
export async function listUsersWithActivity(
  ctx: CoreContext,
  rawQuery: Record<string, string | undefined>,
): Promise<{ items: (UserDto & { lastActiveAt: string | null })[]; nextCursor: string | null }> {
  const { rows, nextCursor } = await userPageRows(ctx, rawQuery);
  return { items: rows.map((row) => ({ ...toUserDto(row), lastActiveAt: row.lastActiveAt?.toISOString() ?? null })), nextCursor };
}

async function userPageRows(ctx: CoreContext, rawQuery: ListUsersQuery | Record<string, string | undefined>) {
  authorize(ctx.principal, 'users:read');
  const query = parseInput(listUsersQuery, rawQuery, 'query');
  const rows = await userListQuery(ctx.db, query);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > query.limit && last ? encodeSortCursor(query.sort, last) : null };
}

/** The SQL behind a page (one row more than the limit, to know whether a next page exists); exported for EXPLAIN tests. */
export function userListQuery(db: Database, query: ParsedListUsersQuery) {
  const conditions = userFilterConditions(query);
  if (query.cursor) conditions.push(afterPosition(query.sort, decodeSortCursor(query.sort, query.cursor)));
  return db
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(...sortOrder(query.sort))
    .limit(query.limit + 1);
}

/**
 * Below this many matches the users list's total is exact; above it, PostgreSQL's planner estimate. Counting is
 * capped at this many rows, so a count costs the same at a million users as at ten thousand.
 */
export const EXACT_COUNT_LIMIT = 10_000;

/** How many users match the filters: exact up to EXACT_COUNT_LIMIT, the planner's estimate above (`exact: false`). */
export async function countUsers({ db, principal }: CoreContext, rawQuery: Record<string, string | undefined>): Promise<{ total: number; exact: boolean }> {
  authorize(principal, 'users:read');
  const where = and(...userFilterConditions(parseInput(userFilterQuery, rawQuery, 'query')));
  const capped = db.select({ one: sql`1` }).from(users).where(where).limit(EXACT_COUNT_LIMIT + 1).as('capped');
  const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(capped);
  const n = Number(counted?.n ?? 0);
  if (n <= EXACT_COUNT_LIMIT) return { total: n, exact: true };
  const plan = await db.execute(sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${users} WHERE ${where ?? sql`true`}`);
  const estimate = (plan as unknown as { rows: { 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[] }).rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
  // The estimate can be stale (statistics from the last ANALYZE); never below what was just counted.
  return { total: Math.max(Math.round(estimate), n), exact: false };
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
