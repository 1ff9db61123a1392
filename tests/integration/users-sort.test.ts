// The users list's sorts and total: every sort walks all users exactly once in its order, page after page, whatever
// the ties; a cursor from one sort is refused by another; the total is exact up to EXACT_COUNT_LIMIT.
import { sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { ValidationFailed } from '@/core/errors';
import type { CoreContext } from '@/core/principal';
import { countUsers, listUsers, listUsersWithActivity, userSorts, type UserSort } from '@/core/users';
import { users } from '@/db/schema';
import { seedUsers } from '@/db/seed';
import { describeEachDatabase } from '../support/database';
import { principalFor, type UserPrincipal } from '../support/principals';

describeEachDatabase('core: users list sorts and total', (database) => {
  let principal: UserPrincipal;
  const ctx = (): CoreContext => ({ db: database(), principal });

  beforeEach(async () => {
    principal = await principalFor(database(), 'owner', 'api');
    await seedUsers(database(), 60, { seed: 31 });
    // Ties on every key: equal names, equal last-active times, never-active users (null) among them.
    await database().execute(sql`UPDATE ${users} SET name = 'Same Name' WHERE id IN (SELECT id FROM ${users} ORDER BY id LIMIT 12)`);
    await database().execute(sql`UPDATE ${users} SET last_active_at = '2026-01-01T00:00:00Z' WHERE id IN (SELECT id FROM ${users} ORDER BY id DESC LIMIT 9)`);
  });

  /** Every page of a sort, 7 at a time, following nextCursor. */
  async function walk(sort: UserSort) {
    const seen = [];
    let cursor: string | undefined;
    do {
      const page = await listUsersWithActivity(ctx(), { sort, limit: '7', ...(cursor ? { cursor } : {}) });
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return seen;
  }

  const keyOf: Record<string, (user: Awaited<ReturnType<typeof walk>>[number]) => string | number> = {
    createdAt: (user) => Date.parse(user.createdAt),
    name: (user) => user.name,
    email: (user) => user.email,
    lastActiveAt: (user) => (user.lastActiveAt ? Date.parse(user.lastActiveAt) : 0),
  };

  it.each(userSorts)('sort %s visits every user once, in order (ties broken by id)', async (sort) => {
    const walked = await walk(sort);
    const total = await database().select({ id: users.id, name: users.name }).from(users);

    expect(walked.map((user) => user.id).sort()).toEqual(total.map((user) => user.id).sort());
    const key = keyOf[sort.replace('-', '')]!;
    const descending = sort.startsWith('-');
    // The database's collation orders names; compare each neighbour pair through it, not through JS.
    for (let i = 1; i < walked.length; i++) {
      const [a, b] = [walked[i - 1]!, walked[i]!];
      const [ka, kb] = [key(a), key(b)];
      const result = await database().execute(
        typeof ka === 'number'
          ? sql`SELECT (${ka}::bigint, ${a.id}::uuid) < (${kb as number}::bigint, ${b.id}::uuid) AS before`
          : sql`SELECT (${ka}::text, ${a.id}::uuid) < (${kb as string}::text, ${b.id}::uuid) AS before`,
      );
      expect((result as unknown as { rows: { before: boolean }[] }).rows[0]?.before, `${sort}: ${a.id} then ${b.id}`).toBe(!descending);
    }
  });

  it('refuses a cursor taken under another sort, as a 400 (ValidationFailed)', async () => {
    const { nextCursor } = await listUsers(ctx(), { sort: 'name', limit: '5' });
    expect(nextCursor).not.toBeNull();

    await expect(listUsers(ctx(), { sort: 'email', limit: '5', cursor: nextCursor! })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(listUsers(ctx(), { sort: 'name', limit: '5', cursor: `${nextCursor!}x` })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(listUsers(ctx(), { sort: 'age' })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('counts exactly below the threshold, with the filters applied', async () => {
    const everyone = await database().select({ id: users.id, role: users.role }).from(users);

    expect(await countUsers(ctx(), {})).toEqual({ total: everyone.length, exact: true });
    expect(await countUsers(ctx(), { role: 'admin' })).toEqual({ total: everyone.filter((user) => user.role === 'admin').length, exact: true });
    expect(await countUsers(ctx(), { search: 'no such person anywhere' })).toEqual({ total: 0, exact: true });
  });
});

