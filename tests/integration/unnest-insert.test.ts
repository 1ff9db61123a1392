import { eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { expect, it } from 'vitest';
import { importRows, users } from '@/db/schema';
import { returnedRows, unnestInsert } from '@/db/unnest-insert';
import { describeEachDatabase } from '../support/database';

// The array-per-column INSERT the import, the event log and the seed use: every value must arrive as Drizzle's own
// insert would have written it, whatever its characters, on both drivers.
describeEachDatabase('unnestInsert', (db) => {
  const awkward = ['quote " and backslash \\ and comma ,', 'braces {a,b} and NULL', 'Zoë 😀 «»', ''];

  it('writes text, enums, booleans, timestamps, jsonb and NULL as they are, and RETURNING * reads back as Drizzle does', async () => {
    const createdAt = new Date('2025-01-02T03:04:05.678Z');
    const rows = awkward.map((name, index) => ({
      id: uuidv7(),
      email: `unnest${index}@example.com`,
      name,
      role: index % 2 ? ('viewer' as const) : ('member' as const),
      emailVerified: index % 2 === 0,
      externalId: index === 0 ? null : `x-${name}`,
      metadata: { name, nested: { list: [1, 'two', null] } },
      createdAt,
      updatedAt: createdAt,
    }));

    const returned = returnedRows(users, await db().execute(sql`${unnestInsert(users, rows)} RETURNING *`));

    const stored = await db().select().from(users).orderBy(users.email);
    expect(returned.sort((a, b) => a.email.localeCompare(b.email))).toEqual(stored);
    expect(stored.map(({ id, email, name, role, emailVerified, externalId, metadata, createdAt: at }) => ({ id, email, name, role, emailVerified, externalId, metadata, createdAt: at, updatedAt: at }))).toEqual(rows);
    // What the row left out took its default.
    expect(stored.every((user) => user.version === 1 && user.plan === 'free' && user.status === 'active')).toBe(true);
  });

  it('takes jsonb NULL and values of every JSON kind', async () => {
    const uploadId = uuidv7();
    const records = [null, { a: 'x"y\\z' }, { list: [] }, { deep: { n: 1.5, t: true } }];
    await db().execute(unnestInsert(importRows, records.map((record, line) => ({ uploadId, line, record, errors: line === 1 ? [{ code: 'c', detail: 'd "q"' }] : null }))));

    const stored = await db().select().from(importRows).where(eq(importRows.uploadId, uploadId)).orderBy(importRows.line);
    expect(stored.map((row) => row.record)).toEqual(records);
    expect(stored.map((row) => row.errors)).toEqual([null, [{ code: 'c', detail: 'd "q"' }], null, null]);
  });

  it('refuses rows that name different columns, and an empty batch', () => {
    expect(() => unnestInsert(importRows, [{ uploadId: uuidv7(), line: 1 }, { uploadId: uuidv7(), line: 2, record: {} }])).toThrow(/same columns/);
    expect(() => unnestInsert(importRows, [])).toThrow(/at least one row/);
  });
});
