import { inArray, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isDatabaseUnavailable } from '@/core/db-errors';
import { closeDatabase, getDatabase } from '@/db';
import { openDatabase, type Database } from '@/db/client';
import { users } from '@/db/schema';
import * as collectionRoute from '../../app/api/v1/users/route';
import { apiKeyFor, type TestApiKey } from '../support/principals';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { orGiveUp, until } from '../support/until';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

// A PostgreSQL server of this file's own, stopped and started again while writers post users through the API. No
// verdict depends on time: each wait is for something to happen, with a deadline only so that a hang fails.

const POOL_SIZE = 4;
const WRITERS = POOL_SIZE + 2;
const CYCLES = 6;

let server: PrivatePostgres;
let key: TestApiKey;
const pool = async () => ((await getDatabase()).db as unknown as { $client: pg.Pool }).$client;

beforeAll(async () => {
  server = await startPrivatePostgres();
  await server.query('CREATE DATABASE roster');
  // The process-wide database (what the routes use) on this server, with a small pool that waits 2 s at most.
  vi.stubEnv('DATABASE_URL', server.url('roster'));
  vi.stubEnv('ROSTER_DB_POOL_SIZE', String(POOL_SIZE));
  vi.stubEnv('ROSTER_DB_CONNECT_TIMEOUT_MS', '2000');
  key = await apiKeyFor((await getDatabase()).db, ['users:read', 'users:write']);
});

afterAll(async () => {
  await closeDatabase().catch(() => {});
  vi.unstubAllEnvs();
  await server?.destroy();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  id?: string;
}

let written = 0;
async function createOne(): Promise<Answer> {
  const n = written++;
  const request = new Request('http://localhost:3000/api/v1/users', {
    method: 'POST',
    headers: { ...key.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ email: `writer-${n}@outage.test`, name: `Writer ${n}` }),
  });
  const response = await collectionRoute.POST(request, { params: Promise.resolve({}) });
  const body = (await response.json()) as { id?: string };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), id: response.status === 201 ? body.id : undefined };
}

describe.skipIf(privatePostgresUnavailable)(`database outages${privatePostgresUnavailable ? ` (skipped: ${privatePostgresUnavailable})` : ''}`, () => {
  it('writers through POST /api/v1/users get 201 or 503 with Retry-After across stops and restarts, and every 201 is kept', async () => {
    const answers: Answer[] = [];
    let writing = true;
    const writer = async () => {
      while (writing) answers.push(await createOne());
    };
    const writers = Array.from({ length: WRITERS }, writer);

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const createdBefore = answers.filter((answer) => answer.status === 201).length;
      await until('a write to succeed while the database is up', () => answers.filter((answer) => answer.status === 201).length > createdBefore);
      // A crash (connections cut without a word) and an administrator's restart (each session told 57P01 first).
      await server.stop(cycle % 2 === 0 ? 'immediate' : 'fast');
      const whileDown = await createOne();
      expect(whileDown).toEqual({ status: 503, retryAfter: '5', id: undefined });
      answers.push(whileDown);
      await server.start();
    }
    await until('a write to succeed after the last restart', async () => (await createOne()).status === 201);
    writing = false;
    await Promise.all(writers);

    const unexpected = answers.filter((answer) => !(answer.status === 201 || (answer.status === 503 && answer.retryAfter === '5')));
    expect(unexpected).toEqual([]);
    const created = answers.flatMap((answer) => (answer.id ? [answer.id] : []));
    const kept = await (await getDatabase()).db.select({ id: users.id }).from(users).where(inArray(users.id, created));
    expect(kept.length).toBe(created.length);
  });

  it('after the outages the pool still opens all its connections, and a request that finds them all busy gets 503', async () => {
    // The test holds an advisory lock; POOL_SIZE queries wait for it, each on a pooled connection of its own.
    const holder = new pg.Client({ connectionString: server.url('roster') });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock(4242)');
    const { db } = await getDatabase();
    const waiting = Array.from({ length: POOL_SIZE }, async () => db.execute(sql`SELECT pg_advisory_xact_lock_shared(4242)`));
    try {
      await until(`${POOL_SIZE} backends waiting for the lock`, async () => {
        const [row] = await server.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'roster' AND wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock_shared%'`,
        );
        return row!.n === POOL_SIZE;
      });
      expect((await pool()).totalCount).toBe(POOL_SIZE);

      // Every connection is taken: the next request waits ROSTER_DB_CONNECT_TIMEOUT_MS for one, then answers 503.
      expect(await createOne()).toEqual({ status: 503, retryAfter: '5', id: undefined });
    } finally {
      await holder.end();
    }
    await Promise.all(waiting);
    // None was lost checked out. Background work (a rate-limit batch being synchronised) may hold one for a moment,
    // so wait for it to come back rather than read the pool at one instant.
    await until('every connection back in the pool', async () => {
      const { totalCount, idleCount } = await pool();
      return idleCount === totalCount;
    });
  });

  it('closing the database after the outages ends its pool', async () => {
    await expect(orGiveUp(closeDatabase(), 'the pool to end')).resolves.toBeUndefined();
  });

  it('a transaction whose BEGIN meets a broken connection gives its client back (drizzle-orm 0.45.4 kept it)', async () => {
    const handle = await openDatabase({ driver: 'postgres', url: server.url('roster') });
    const ownPool = (handle.db as unknown as { $client: pg.Pool }).$client;
    // The connection of the client the transaction checks out breaks before its BEGIN is sent, as in a restart.
    ownPool.once('acquire', (client: pg.PoolClient) => (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy());
    const failed = await (handle.db as Database).transaction(async () => 'never').catch((error: unknown) => error);
    expect(isDatabaseUnavailable(failed)).toBe(true);
    await until('the broken client to leave the pool', () => ownPool.totalCount === 0);
    expect(await handle.db.execute(sql`SELECT 1 AS one`)).toMatchObject({ rows: [{ one: 1 }] });
    await expect(orGiveUp(handle.close(), 'the pool to end')).resolves.toBeUndefined();
  });
});
