import 'server-only';
import { asc, desc, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { users, type UserRow } from '@/db/schema';
import { ValidationFailed } from '../errors';
import { MAX_CURSOR_MS, openCursor, sealCursor } from '../keyset-cursor';
import { NAME_MAX, userSorts, type UserSort } from './schemas';

// Each sort is (key, id), the id breaking ties, and each has its index (src/db/schema.ts), so a page is read off the
// index in order whatever the sort: (key, id) read forwards or backwards serves both directions.

type SortField = 'createdAt' | 'name' | 'email' | 'lastActiveAt';
type Key = string | number;

// Never-active users sort as the epoch: the key is never null, so a row comparison always decides.
const epoch = new Date(0);
const fields: Record<SortField, { column: SQL; key: (row: UserRow) => Key; param: (key: Key) => SQL }> = {
  createdAt: { column: sql`${users.createdAt}`, key: (row) => row.createdAt.getTime(), param: (key) => sql`${new Date(key).toISOString()}::timestamptz` },
  name: { column: sql`${users.name}`, key: (row) => row.name, param: (key) => sql`${key}` },
  email: { column: sql`${users.email}`, key: (row) => row.email, param: (key) => sql`${key}` },
  lastActiveAt: {
    column: sql`coalesce(${users.lastActiveAt}, 'epoch'::timestamptz)`,
    key: (row) => (row.lastActiveAt ?? epoch).getTime(),
    param: (key) => sql`${new Date(key).toISOString()}::timestamptz`,
  },
};

const parse = (sort: UserSort) => ({ field: fields[sort.replace('-', '') as SortField], descending: sort.startsWith('-') });

/** ORDER BY for a sort. */
export function sortOrder(sort: UserSort): SQL[] {
  const { field, descending } = parse(sort);
  const direction = descending ? desc : asc;
  return [direction(field.column), direction(users.id)];
}

/** The condition "after this position" for a sort. */
export function afterPosition(sort: UserSort, cursor: SortCursor): SQL {
  const { field, descending } = parse(sort);
  const position = sql`(${field.param(cursor.key)}, ${cursor.id}::uuid)`;
  return descending ? sql`(${field.column}, ${users.id}) < ${position}` : sql`(${field.column}, ${users.id}) > ${position}`;
}

export interface SortCursor {
  key: Key;
  id: string;
}

const payload = z.tuple([z.enum(userSorts), z.union([z.number().int().nonnegative().max(MAX_CURSOR_MS), z.string().max(NAME_MAX * 4)]), z.uuid()]);

/** The cursor after `row` in `sort`; it names its sort, so a cursor taken under another sort is a 400, not a jump. */
export function encodeSortCursor(sort: UserSort, row: UserRow): string {
  return sealCursor([sort, parse(sort).field.key(row), row.id]);
}

export function decodeSortCursor(sort: UserSort, token: string): SortCursor {
  const [cursorSort, key, id] = openCursor(token, payload);
  if (cursorSort !== sort || sort.endsWith('At') !== (typeof key === 'number')) {
    throw new ValidationFailed([{ path: ['cursor'], message: 'This cursor belongs to another sort: start from the first page' }], 'query');
  }
  return { key, id };
}
