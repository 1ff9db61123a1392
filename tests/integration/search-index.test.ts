// Proves, on real PostgreSQL with realistic volume and fresh statistics, that the user list's SQL is served by
// its indexes: the trigram GIN indexes for search, the (created_at, id) btree for pages. Nothing forces the
// planner (no enable_seqscan=off): these are the plans the app gets.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreContext } from '@/core/principal';
import { countUsers, EXACT_COUNT_LIMIT, listUsers, userListQuery } from '@/core/users/queries';
import { listUsersQuery, type ListUsersQuery } from '@/core/users/schemas';
import type { Database, DatabaseHandle } from '@/db/client';
import { users, type UserRow } from '@/db/schema';
import { seedPrincipal, seedUsers } from '@/db/seed';
import { openTestDatabase, testDatabaseUrl } from '../support/database';

const USERS = 100_000;

/** One node of `EXPLAIN (FORMAT JSON)` output; only the fields the assertions read. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** The node and all its descendants, depth first. */
function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/** Compact one-line rendering for failure messages and the log, e.g. `Limit > Sort > Bitmap Heap Scan(users) > ...`. */
function describePlan(node: PlanNode): string {
  const label = `${node['Node Type']}(${node['Index Name'] ?? node['Relation Name'] ?? ''})`.replace('()', '');
  const children = (node.Plans ?? []).map(describePlan);
  if (children.length === 0) return label;
  return children.length === 1 ? `${label} > ${children[0]}` : `${label} > [${children.join(', ')}]`;
}

/**
 * EXPLAINs exactly the statement the app sends: the text and params of `.toSQL()`, bound as parameters through the
 * same node-postgres pool (an unnamed statement, so PostgreSQL plans with the actual values, as it does for the app).
 */
async function explain(db: Database, query: { toSQL(): { sql: string; params: unknown[] } }): Promise<PlanNode> {
  const pool = (db as Database & { $client?: unknown }).$client;
  if (!(pool instanceof pg.Pool)) throw new Error('Expected the node-postgres driver');
  const { sql: text, params } = query.toSQL();
  const result = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
  return result.rows[0]!['QUERY PLAN'][0].Plan;
}

const seqScansOnUsers = (plan: PlanNode) =>
  planNodes(plan).filter((node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'users');
const indexesUsed = (plan: PlanNode) => new Set(planNodes(plan).flatMap((node) => node['Index Name'] ?? []));

describe.skipIf(!testDatabaseUrl)(
  `user list indexes on ${USERS.toLocaleString('en-US')} users [postgres${testDatabaseUrl ? '' : ': skipped because TEST_DATABASE_URL is not set'}]`,
  () => {
    let handle: DatabaseHandle | undefined;
    let target: UserRow;
    const db = () => handle!.db;
    const ctx = (): CoreContext => ({ db: db(), principal: seedPrincipal });
    const planFor = (raw: ListUsersQuery) => explain(db(), userListQuery(db(), listUsersQuery.parse(raw)));

    beforeAll(async () => {
      handle = await openTestDatabase('postgres');
      await seedUsers(db(), USERS, { seed: 20_240_601 });
      await db().execute(sql`ANALYZE users`);
      // Somebody from the middle of the table: neither on the first page nor at its end.
      const [middle] = await db().select().from(users).orderBy(users.createdAt).offset(USERS / 2 - 123).limit(1);
      target = middle!;
    });
    afterAll(async () => handle?.close());

    describe('search', () => {
      // Part of an address as someone would type it: "jane.doe4711" of jane.doe4711+token@acme.example.
      const emailFragment = () => target.email.slice(0, target.email.indexOf('+'));

      it('finds the user by a fragment of their email, and only them', async () => {
        expect(emailFragment().length).toBeGreaterThanOrEqual(3);
        const page = await listUsers(ctx(), { search: emailFragment() });

        expect(page.items.map((user) => user.id)).toEqual([target.id]);
        expect(page.nextCursor).toBeNull();
      });

      it('finds the user by their name, case-insensitively', async () => {
        const page = await listUsers(ctx(), { search: target.name.toLowerCase() });

        expect(page.items.map((user) => user.id)).toContain(target.id);
        expect(page.items.every((user) => user.name.toLowerCase().includes(target.name.toLowerCase()))).toBe(true);
      });

      it.each([
        ['an email fragment', () => emailFragment()],
        ['a name', () => target.name.toLowerCase()],
      ])('searching %s uses the trigram indexes, not a sequential scan', async (_, term) => {
        const plan = await planFor({ search: term() });
        const bitmapScans = planNodes(plan).filter((node) => node['Node Type'] === 'Bitmap Index Scan');

        expect(seqScansOnUsers(plan), describePlan(plan)).toEqual([]);
        expect(
          bitmapScans.map((node) => node['Index Name']),
          describePlan(plan),
        ).toEqual(expect.arrayContaining([expect.stringMatching(/^users_(name|email)_trgm_idx$/)]));
        // `name ILIKE … OR email ILIKE …` can only avoid a full scan if both sides are indexed.
        expect(indexesUsed(plan), describePlan(plan)).toEqual(new Set(['users_name_trgm_idx', 'users_email_trgm_idx']));
      });
    });

    describe('pages', () => {
      it('serves the first page from the (created_at, id) index, already in order', async () => {
        const plan = await planFor({});
        const nodes = planNodes(plan);

        expect(seqScansOnUsers(plan), describePlan(plan)).toEqual([]);
        expect(indexesUsed(plan), describePlan(plan)).toEqual(new Set(['users_created_at_id_idx']));
        expect(nodes.map((node) => node['Node Type']), describePlan(plan)).not.toContain('Sort');
      });

      it('serves a keyset page by seeking the (created_at, id) index to the cursor', async () => {
        const first = await listUsers(ctx(), {});
        expect(first.nextCursor).not.toBeNull();
        const plan = await planFor({ cursor: first.nextCursor! });
        const indexScan = planNodes(plan).find((node) => node['Index Name'] === 'users_created_at_id_idx');

        expect(seqScansOnUsers(plan), describePlan(plan)).toEqual([]);
        expect(planNodes(plan).map((node) => node['Node Type']), describePlan(plan)).not.toContain('Sort');
        // An Index Cond (not a Filter) means the scan starts at the cursor instead of reading past earlier pages.
        expect(indexScan?.['Index Cond'], describePlan(plan)).toMatch(/created_at.*id/);

        const second = await listUsers(ctx(), { cursor: first.nextCursor! });
        expect(second.items).toHaveLength(50);
        expect(second.items[0]!.createdAt < first.items.at(-1)!.createdAt).toBe(true);
      });

    describe('sorts and total', () => {
      it.each([
        ['name', 'users_name_id_idx'],
        ['-email', 'users_email_id_idx'],
        ['-lastActiveAt', 'users_last_active_id_idx'],
      ] as const)('serves sort %s from its (key, id) index, seeking to the cursor', async (sort, index) => {
        const first = await listUsers(ctx(), { sort });
        const plan = await planFor({ sort, cursor: first.nextCursor! });

        expect(seqScansOnUsers(plan), describePlan(plan)).toEqual([]);
        expect(planNodes(plan).map((node) => node['Node Type']), describePlan(plan)).not.toContain('Sort');
        expect(planNodes(plan).find((node) => node['Index Name'] === index)?.['Index Cond'], describePlan(plan)).toBeDefined();
      });

      it(`estimates the total above ${EXACT_COUNT_LIMIT.toLocaleString('en-US')} matches, and counts exactly below`, async () => {
        const all = await countUsers(ctx(), {});
        expect(all.exact).toBe(false);
        expect(all.total).toBeGreaterThan(USERS * 0.9);
        expect(all.total).toBeLessThan(USERS * 1.1);

        const one = await countUsers(ctx(), { search: target.email });
        expect(one).toEqual({ total: 1, exact: true });
      });
    });
    });
  },
);
