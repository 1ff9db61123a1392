import { parse } from 'csv-parse/sync';
import { sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordEvent } from '@/core/events';
import { planUserExport } from '@/core/users';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { snapshotApplicationName } from '@/db/snapshot';
import { users } from '@/db/schema';
import { exportResponse } from '@/http/export-response';
import * as consoleAuditExport from '../../app/api/console/audit-events/export/route';
import * as consoleUsersExport from '../../app/api/console/users/export/route';
import * as auditExport from '../../app/api/v1/audit-events/export/route';
import * as auditList from '../../app/api/v1/audit-events/route';
import * as usersExport from '../../app/api/v1/users/export/route';
import * as usersList from '../../app/api/v1/users/route';
import { fromClient } from '../support/client-ip';
import { describeEachDatabase, describeOnDatabase, truncateAll } from '../support/database';
import { apiKeyFor, bearerFor, consoleRequestHeaders, setConsoleCookie, systemPrincipal, type TestApiKey } from '../support/principals';
import type { Problem } from '../support/problem';

vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders() }));

const BASE = 'http://localhost:3000';
const routes: Record<string, { GET: (request: Request, context: never) => Promise<Response> }> = {
  '/api/v1/users': usersList,
  '/api/v1/users/export': usersExport,
  '/api/v1/audit-events': auditList,
  '/api/v1/audit-events/export': auditExport,
  '/api/console/users/export': consoleUsersExport,
  '/api/console/audit-events/export': consoleAuditExport,
};

function get(path: string, headers: Record<string, string>): Promise<Response> {
  const url = new URL(path, BASE);
  return routes[url.pathname]!.GET(new Request(url, { headers }), { params: Promise.resolve({}) } as never);
}

const USER_KEYS = ['createdAt', 'email', 'id', 'name', 'plan', 'role', 'status', 'subscriptionStatus', 'updatedAt', 'version'];
/** The NDJSON lines are the whole DTO; the CSV keeps its flat columns (no externalId or metadata). */
const DTO_KEYS = [...USER_KEYS, 'externalId', 'metadata'].sort();
const today = new Date().toISOString().slice(0, 10);

let db: Database;
let readKey: TestApiKey;
let eventsKey: TestApiKey;

beforeEach(async () => {
  db = (await getDatabase()).db;
  await truncateAll(db);
  readKey = await apiKeyFor(db, ['users:read']);
  eventsKey = await apiKeyFor(db, ['events:read']);
  setConsoleCookie(null);
});

/** `count` users straight into the table, one millisecond apart; every third a viewer. */
async function seedUsers(count: number): Promise<void> {
  await db.execute(sql`
    INSERT INTO users (id, email, name, role, created_at, updated_at)
    SELECT gen_random_uuid(), 'bulk' || i || '@example.com', 'Bulk ' || i,
           (CASE WHEN i % 3 = 0 THEN 'viewer' ELSE 'member' END)::user_role,
           timestamptz '2024-01-01' + i * interval '1 millisecond', timestamptz '2024-01-01' + i * interval '1 millisecond'
    FROM generate_series(1, ${count}) AS i`);
}

/** Every id the paginated list returns for `query`, page after page. */
async function listedIds(query: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const response = await get(`/api/v1/users?${new URLSearchParams({ ...query, limit: '100', ...(cursor ? { cursor } : {}) })}`, readKey.headers);
    const page = (await response.json()) as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...page.items.map((user) => user.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

async function expectProblem(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as Problem;
}

const csvRecords = (text: string) => parse(text, { columns: true }) as Record<string, string>[];

describe('GET /api/v1/users/export', () => {
  it('streams every user the filters select, in the list order, across keyset chunks', async () => {
    await seedUsers(2_345);
    const response = await get('/api/v1/users/export?format=csv&role=viewer', readKey.headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="roster-users-${today}.csv"`);
    const records = csvRecords(await response.text());
    expect(records.map((record) => record.id)).toEqual(await listedIds({ role: 'viewer' }));
    expect(records).toHaveLength(781);
    expect(records.every((record) => record.role === 'viewer')).toBe(true);
    expect(Object.keys(records[0]!).sort()).toEqual(USER_KEYS);
  }, 120_000); // the file's first test: it also pays for loading the routes and the contract checker

  it('escapes formulas and keeps quotes, commas, line breaks and unicode intact', async () => {
    const names = ['=cmd', '+1', '-2', '@x', '\tTab', '\rReturn', 'say "hi"', 'a,b', 'line one\nline two', 'Zoë 日本 🎉'];
    await db.insert(users).values(names.map((name, i) => ({ id: uuidv7(), email: `n${i}@example.com`, name, createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)) })));
    const text = await (await get('/api/v1/users/export', readKey.headers)).text();
    expect(text.split('\n')[0]).toBe('id,email,name,role,status,plan,subscriptionStatus,version,createdAt,updatedAt');
    const byEmail = Object.fromEntries(csvRecords(text).map((record) => [record.email, record.name]));
    expect(names.map((_, i) => byEmail[`n${i}@example.com`])).toEqual([
      "'=cmd", "'+1", "'-2", "'@x", "'\tTab", "'\rReturn", 'say "hi"', 'a,b', 'line one\nline two', 'Zoë 日本 🎉',
    ]);
  });

  it('as NDJSON: one user DTO a line, the same ones the list returns', async () => {
    await seedUsers(1_200);
    const response = await get('/api/v1/users/export?format=ndjson&search=bulk1', readKey.headers);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="roster-users-${today}.ndjson"`);
    const lines = (await response.text()).split('\n');
    expect(lines.pop()).toBe('');
    const dtos = lines.map((line) => JSON.parse(line) as { id: string });
    expect(dtos.map((dto) => dto.id)).toEqual(await listedIds({ search: 'bulk1' }));
    for (const dto of dtos) expect(Object.keys(dto).sort()).toEqual(DTO_KEYS);
  });

  it('an empty selection is a header alone (CSV) or nothing (NDJSON)', async () => {
    expect(await (await get('/api/v1/users/export?status=suspended', readKey.headers)).text()).toBe('id,email,name,role,status,plan,subscriptionStatus,version,createdAt,updatedAt\n');
    expect(await (await get('/api/v1/users/export?format=ndjson&status=suspended', readKey.headers)).text()).toBe('');
  });

  it('answers HEAD (which Next serves with GET) with the headers alone', async () => {
    const url = new URL('/api/v1/users/export', BASE);
    const response = await usersExport.GET(new Request(url, { method: 'HEAD', headers: readKey.headers }), { params: Promise.resolve({}) } as never);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="roster-users-${today}.csv"`);
    expect(response.body).toBeNull();
  });

  it('refuses bad parameters and credentials before streaming anything', async () => {
    const badFormat = await expectProblem(await get('/api/v1/users/export?format=xlsx', readKey.headers), 400);
    expect(badFormat.errors?.[0]?.detail).toMatch(/Format must be one of: csv, ndjson/);
    await expectProblem(await get('/api/v1/users/export?role=emperor', readKey.headers), 400);
    await expectProblem(await get('/api/v1/users/export', {}), 401);
    await expectProblem(await get('/api/v1/users/export', eventsKey.headers), 403);
    const member = await bearerFor(db, 'member');
    await expectProblem(await get('/api/v1/users/export', member.headers), 403);
  });
});

describe('exports at once', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('past ROSTER_EXPORTS_AT_ONCE running exports the next is a 503 with Retry-After, until one ends', async () => {
    vi.stubEnv('ROSTER_EXPORTS_AT_ONCE', '2');
    await seedUsers(10);
    const open = [await get('/api/v1/users/export', readKey.headers), await get('/api/v1/users/export?format=ndjson', readKey.headers)];
    expect(open.map((response) => response.status)).toEqual([200, 200]);

    // Another caller: the server's cap, not the caller's.
    const refused = await get('/api/v1/users/export', (await apiKeyFor(db, ['users:read'])).headers);
    const problem = await expectProblem(refused, 503);
    expect(problem.detail).toBe('This server runs at most 2 exports at once; retry shortly.');
    expect(refused.headers.get('retry-after')).toBe('5');

    await open[0]!.body!.cancel(); // a client that went away frees its place at once
    expect(csvRecords(await (await get('/api/v1/users/export', readKey.headers)).text())).toHaveLength(10);
    expect((await open[1]!.text()).trim().split('\n')).toHaveLength(10); // read to its end: frees the other
    const afterBoth = await Promise.all([get('/api/v1/users/export', readKey.headers), get('/api/v1/users/export', readKey.headers)]);
    expect(afterBoth.map((response) => response.status)).toEqual([200, 200]);
    await Promise.all(afterBoth.map((response) => response.text()));
  });

  it('past ROSTER_EXPORTS_PER_CALLER (2) running exports of one caller the next of theirs is a 429 with Retry-After; other callers go on', async () => {
    await seedUsers(10);
    const open = [await get('/api/v1/users/export', readKey.headers), await get('/api/v1/users/export?format=ndjson', readKey.headers)];
    expect(open.map((response) => response.status)).toEqual([200, 200]);

    const refused = await get('/api/v1/users/export', readKey.headers);
    const problem = await expectProblem(refused, 429);
    expect(problem.detail).toBe('At most 2 exports at once per caller; retry when one has finished.');
    expect(refused.headers.get('retry-after')).toBe('5');
    const other = await get('/api/v1/users/export', (await apiKeyFor(db, ['users:read'])).headers);
    expect(csvRecords(await other.text())).toHaveLength(10);

    await open[0]!.body!.cancel();
    expect(csvRecords(await (await get('/api/v1/users/export', readKey.headers)).text())).toHaveLength(10);
    await open[1]!.text();
  });
});

describeEachDatabase('a client gone before the first byte', (database, handle) => {
  const exportBackends = async () => {
    if (handle().driver !== 'postgres') return [];
    const query = sql`SELECT state FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${snapshotApplicationName}`;
    return ((await database().execute(query)) as unknown as { rows: { state: string }[] }).rows;
  };
  afterEach(() => vi.unstubAllEnvs());

  // Before the fix, a client that left while the snapshot opened was never seen (the abort listener came after the
  // await), and Next never reads nor cancels such a body: the export kept its slot and its connection for good.
  it.each(['before the export began', 'while its snapshot opened'] as const)('%s: its slot and connection are freed, and its body says so', async (when) => {
    vi.stubEnv('ROSTER_EXPORTS_AT_ONCE', '1');
    await database().execute(sql`INSERT INTO users (id, email, name) SELECT gen_random_uuid(), 'gone' || i || '@example.com', 'Gone ' || i FROM generate_series(1, 3000) AS i`);
    const client = new AbortController();
    if (when === 'before the export began') client.abort();
    const leaving = { db: handle().db, snapshot: async () => (client.abort(), handle().snapshot()) };
    const request = () => new Request(`${BASE}/api/v1/users/export`, { signal: client.signal });
    const abandoned = await exportResponse(request(), planUserExport(systemPrincipal(), { format: 'csv' }, null), leaving);

    await expect.poll(exportBackends).toEqual([]);
    const next = await exportResponse(new Request(`${BASE}/api/v1/users/export`), planUserExport(systemPrincipal(), { format: 'csv' }, null), handle());
    expect(csvRecords(await next.text())).toHaveLength(3000);
    await expect(abandoned.text()).rejects.toThrow('The client went away');
  });
});

describe('GET /api/v1/audit-events', () => {
  const operator = systemPrincipal();
  async function seedEvents() {
    const subjects = ['a', 'b', 'c'].map(() => uuidv7());
    for (let i = 0; i < 30; i++) {
      await recordEvent(db, i % 2 ? operator : systemPrincipal('console', 'seed'), { type: i % 5 === 0 ? 'user.deleted' : 'user.updated', subject: { type: 'user', id: subjects[i % 3]! }, changes: { n: { before: i, after: i + 1 } } });
    }
    return subjects;
  }
  type Page = { items: { id: string; type: string; actor: string; door: string; subject: { id: string } | null; position: string }[]; nextCursor: string | null };
  const page = async (query: Record<string, string>, headers = eventsKey.headers) => (await (await get(`/api/v1/audit-events?${new URLSearchParams(query)}`, headers)).json()) as Page;

  it('filters by actor, type, subject and door, newest first, in keyset pages', async () => {
    const subjects = await seedEvents();
    const query = { type: 'user.updated', subjectType: 'user', subjectId: subjects[1]!, door: 'cli', actor: 'system:cli' };
    const first = await page({ ...query, limit: '2' });
    const second = await page({ ...query, limit: '2', cursor: first.nextCursor! });
    const all = await page(query);
    // i = 1..29 with i % 3 = 1 (subject b), odd (cli), not i % 5 = 0: 1, 7, 13, 19.
    expect(all.items).toHaveLength(4);
    expect([...first.items, ...second.items].map((event) => event.id)).toEqual(all.items.map((event) => event.id));
    expect(second.nextCursor).toBeNull();
    expect(all.items.every((event) => event.subject?.id === subjects[1] && event.door === 'cli' && event.type === 'user.updated')).toBe(true);
    const positions = all.items.map((event) => Number(event.position));
    expect(positions).toEqual([...positions].sort((a, b) => b - a));
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    await seedEvents();
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await page({ from: future })).items).toHaveLength(0);
    expect((await page({ to: future, limit: '100' })).items.filter((event) => event.type !== 'api-key.created')).toHaveLength(30);
    await expectProblem(await get('/api/v1/audit-events?from=yesterday', eventsKey.headers), 400);
  });

  it('shows members only the events about themselves; refuses viewers and keys without events:read', async () => {
    await seedEvents();
    const member = await bearerFor(db, 'member');
    await recordEvent(db, operator, { type: 'user.updated', subject: { type: 'user', id: member.userId }, changes: {} });
    const own = await page({}, member.headers);
    // Their sign-in (bearerFor) and the update: both about them, nothing else.
    expect(own.items.map((event) => event.subject?.id)).toEqual([member.userId, member.userId]);
    await expectProblem(await get('/api/v1/audit-events', (await bearerFor(db, 'viewer')).headers), 403);
    await expectProblem(await get('/api/v1/audit-events', readKey.headers), 403);
    await expectProblem(await get('/api/v1/audit-events', {}), 401);
  });

  it('exports the same filtered trail as CSV and NDJSON, and a member only their own', async () => {
    const subjects = await seedEvents();
    const query = new URLSearchParams({ subjectType: 'user', subjectId: subjects[0]! });
    const listed = await page({ ...Object.fromEntries(query), limit: '100' });
    const csv = await get(`/api/v1/audit-events/export?${query}`, eventsKey.headers);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="roster-audit-events-${today}.csv"`);
    const records = csvRecords(await csv.text());
    expect(records.map((record) => record.id)).toEqual(listed.items.map((event) => event.id));
    expect(JSON.parse(records[0]!.data!)).toHaveProperty('changes.n');
    const ndjson = await (await get(`/api/v1/audit-events/export?format=ndjson&${query}`, eventsKey.headers)).text();
    expect(ndjson.trim().split('\n').map((line) => JSON.parse(line))).toEqual(listed.items);

    const member = await bearerFor(db, 'member');
    await recordEvent(db, operator, { type: 'user.updated', subject: { type: 'user', id: member.userId }, changes: {} });
    const own = csvRecords(await (await get('/api/v1/audit-events/export', member.headers)).text());
    expect(own.map((record) => record.subjectId)).toEqual([member.userId, member.userId]);
    await expectProblem(await get('/api/v1/audit-events/export?type=user.exploded', eventsKey.headers), 400);
  });
});

describe('the console export routes', () => {
  it('serve the signed-in staff user by session cookie, same-origin only', async () => {
    await seedUsers(5);
    const admin = await bearerFor(db, 'admin');
    setConsoleCookie(admin.cookie);
    const headers = { cookie: admin.cookie, 'sec-fetch-site': 'same-origin' };
    expect(csvRecords(await (await get('/api/console/users/export?role=member', headers)).text())).toHaveLength(4);
    expect((await get('/api/console/audit-events/export', headers)).status).toBe(200);
    await expectProblem(await get('/api/console/users/export', { ...headers, 'sec-fetch-site': 'cross-site' }), 403);
    // A bearer means nothing here.
    setConsoleCookie(null);
    await expectProblem(await get('/api/console/users/export', readKey.headers), 401);
  });
});

describe('export.downloaded', () => {
  type Page = { items: { actor: string; door: string; subject: unknown; data: Record<string, unknown> }[] };
  const downloads = async () => ((await (await get('/api/v1/audit-events?type=export.downloaded', eventsKey.headers)).json()) as Page).items.reverse();

  it('is recorded as an export starts: who, what, the format, the filters as validated, the door and the client IP', async () => {
    await seedUsers(3);
    await (await get('/api/v1/users/export?format=ndjson&role=viewer&search=bulk', { ...readKey.headers, ...fromClient('203.0.113.7') })).text();
    const admin = await bearerFor(db, 'admin');
    setConsoleCookie(admin.cookie);
    const query = 'type=user.deleted,user.created&door=api&from=2026-01-01T00:00:00Z';
    await (await get(`/api/console/audit-events/export?${query}`, { cookie: admin.cookie, 'sec-fetch-site': 'same-origin', ...fromClient('2001:db8::4') })).text();

    expect(await downloads()).toEqual([
      {
        actor: `api-key:${readKey.id}`,
        door: 'api',
        subject: null,
        data: { what: 'users', format: 'ndjson', filters: { role: 'viewer', search: 'bulk' }, clientIp: '203.0.113.7', changes: {} },
      },
      {
        actor: `user:${admin.userId}`,
        door: 'console',
        subject: null,
        data: { what: 'audit-events', format: 'csv', filters: { type: ['user.deleted', 'user.created'], door: 'api', from: '2026-01-01T00:00:00.000Z' }, clientIp: '2001:db8::4', changes: {} },
      },
    ].map((expected) => expect.objectContaining(expected)));
  });

  it('is not recorded for a HEAD, nor for an export refused', async () => {
    const head = await usersExport.GET(new Request(new URL('/api/v1/users/export', BASE), { method: 'HEAD', headers: readKey.headers }), { params: Promise.resolve({}) } as never);
    expect(head.status).toBe(200);
    await expectProblem(await get('/api/v1/users/export?format=xlsx', readKey.headers), 400);
    await expectProblem(await get('/api/v1/users/export', eventsKey.headers), 403);
    expect(await downloads()).toEqual([]);
  });
});

describeOnDatabase('postgres', 'an export on PostgreSQL', (database, handle) => {
  const exportBackends = async () => {
    const query = sql`SELECT state FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${snapshotApplicationName}`;
    return ((await database().execute(query)) as unknown as { rows: { state: string }[] }).rows;
  };

  async function seed(count: number) {
    await database().execute(sql`
      INSERT INTO users (id, email, name, created_at, updated_at)
      SELECT gen_random_uuid(), 'pg' || i || '@example.com', 'PG ' || i, now() - i * interval '1 second', now()
      FROM generate_series(1, ${count}) AS i`);
  }
  const start = (format: 'csv' | 'ndjson', abort = new AbortController()) =>
    exportResponse(new Request(`${BASE}/api/v1/users/export`, { signal: abort.signal }), planUserExport(systemPrincipal(), { format }, null), handle());

  /** The export of `query` as the database writes it (COPY), and as JavaScript encodes it from the rows (PGlite's way). */
  async function bothWays(query: Record<string, string>) {
    const copied = vi.fn();
    const copying = {
      db: handle().db,
      snapshot: async () => {
        const snapshot = await handle().snapshot();
        return { ...snapshot, copyCsv: snapshot.copyCsv && ((select: SQL) => (copied(), snapshot.copyCsv!(select))) };
      },
    };
    const chunking = { db: handle().db, snapshot: async () => ({ ...(await handle().snapshot()), copyCsv: undefined }) };
    const request = () => new Request(`${BASE}/api/v1/users/export`);
    const byCopy = await (await exportResponse(request(), planUserExport(systemPrincipal(), query, null), copying)).text();
    const byRows = await (await exportResponse(request(), planUserExport(systemPrincipal(), query, null), chunking)).text();
    expect(copied).toHaveBeenCalledOnce();
    return { byCopy, byRows };
  }

  it("writes CSV with COPY, cell for cell what the rows' own encoding writes: formulas escaped, quoting, unicode, nulls, timestamps", async () => {
    const names = ['=cmd', '+1', '-2', '@x', '\tTab', '\rReturn', '\uFF1Dwide', 'say "hi"', 'a,b', 'line one\nline two', 'back\\slash', '', 'Zoë 日本 🎉'];
    await database().insert(users).values(
      names.map((name, i) => ({
        id: uuidv7(),
        email: i === 0 ? '=HYPERLINK("http://x")@example.com' : `n${i}@example.com`,
        name,
        plan: i === 1 ? '+pro' : 'free',
        subscriptionStatus: i % 2 ? 'active' : null,
        // Microseconds, which the DTO's ISO timestamps drop.
        createdAt: sql`timestamptz '2024-01-01 00:00:00.123456+00' + ${i} * interval '1 second'` as unknown as Date,
      })),
    );
    await seed(1_500);
    const { byCopy, byRows } = await bothWays({ format: 'csv' });
    expect(csvRecords(byCopy)).toEqual(csvRecords(byRows));
    expect(csvRecords(byCopy)).toHaveLength(names.length + 1_500);
    const first = csvRecords(byCopy).find((record) => record.email?.startsWith("'=HYPERLINK"));
    expect(first).toMatchObject({ name: "'=cmd", subscriptionStatus: '', createdAt: '2024-01-01T00:00:00.123Z' });
  });

  it("applies the list's filters in COPY too, with the filter values as quoted literals", async () => {
    await seed(1_200);
    await database().insert(users).values([
      { id: uuidv7(), email: 'quote@example.com', name: "O'Brien \\ $1 %_" },
      { id: uuidv7(), email: 'admin@example.com', name: 'An admin', role: 'admin' },
    ]);
    const queries: Record<string, string>[] = [{ search: "o'brien \\ $1 %_" }, { search: 'PG 11' }, { role: 'admin' }, { status: 'suspended' }, { subscriptionStatus: 'none', plan: 'free' }];
    for (const query of queries) {
      const { byCopy, byRows } = await bothWays({ format: 'csv', ...query });
      expect(csvRecords(byCopy), JSON.stringify(query)).toEqual(csvRecords(byRows));
    }
    expect(csvRecords((await bothWays({ format: 'csv', search: "o'brien \\ $1 %_" })).byCopy).map((record) => record.email)).toEqual(['quote@example.com']);
  });

  it.each(['csv', 'ndjson'] as const)('reads one snapshot (%s): writes committed mid-export do not show', async (format) => {
    await seed(2_500);
    const response = await start(format);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    await database().execute(sql`DELETE FROM users`);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value);
    expect(text.trim().split('\n')).toHaveLength(format === 'csv' ? 2_501 : 2_500);
    expect(await exportBackends()).toEqual([]);
  });

  it.each(['csv', 'ndjson'] as const)('a client that goes away (%s) ends the query and the transaction at once', async (format) => {
    await seed(format === 'csv' ? 50_000 : 5_000);
    const abort = new AbortController();
    const reader = (await start(format, abort)).body!.getReader();
    await reader.read();
    // Between chunks (or reading the next one ahead): its transaction open.
    expect((await exportBackends()).map((backend) => backend.state)).toEqual([expect.stringMatching(/^(idle in transaction|active)$/)]);
    abort.abort();
    await reader.cancel();
    await expect.poll(exportBackends).toEqual([]);
  });

  it.each(['csv', 'ndjson'] as const)('cancelling the body alone (%s) releases it too', async (format) => {
    await seed(format === 'csv' ? 50_000 : 5_000);
    const reader = (await start(format)).body!.getReader();
    await reader.read();
    expect(await exportBackends()).toHaveLength(1);
    await reader.cancel();
    await expect.poll(exportBackends).toEqual([]);
  });
});
