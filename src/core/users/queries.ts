import 'server-only';
import { and, desc, eq, ilike, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { users } from '@/db/schema';
import { authorize } from '../authorization';
import { subjectHistory, type EventDto } from '../events';
import { NotFound } from '../errors';
import type { CoreContext } from '../principal';
import { isUuid, parseInput } from '../validation';
import { decodeCursor, encodeCursor } from '../keyset-cursor';
import { toUserDto, type UserDto, type UserPage } from './dto';
import { listUsersQuery, type ListUsersQuery, type ParsedListUsersQuery } from './schemas';

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
  const conditions: SQL[] = [];
  if (query.search) {
    const pattern = `%${escapeLikePattern(query.search)}%`;
    conditions.push(or(ilike(users.name, pattern), ilike(users.email, pattern))!);
  }
  if (query.role) conditions.push(eq(users.role, query.role));
  if (query.status) conditions.push(eq(users.status, query.status));
  if (query.plan) conditions.push(eq(users.plan, query.plan));
  if (query.subscriptionStatus) {
    conditions.push(query.subscriptionStatus === 'none' ? isNull(users.subscriptionStatus) : eq(users.subscriptionStatus, query.subscriptionStatus));
  }
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    conditions.push(sql`(${users.createdAt}, ${users.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`);
  }
  return db
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(query.limit + 1);
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
