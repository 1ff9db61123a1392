import { count, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUserAction } from '../../app/(console)/users/actions';
import { idleState } from '@/actions/action-state';
import { refreshLiveViewAction } from '@/actions/refresh-live-view';
import { getDatabase } from '@/db';
import { rateLimits, users } from '@/db/schema';
import { BatchedLimiter } from '@/rate-limit/batched';
import { limiterOn, type RateLimitStore } from '@/rate-limit/store';
import * as collectionRoute from '../../app/api/v1/users/route';
import { formData, redirectTarget } from '../support/actions';
import { describeEachDatabase, truncateAll } from '../support/database';
import { apiKeyFor, bearerFor, consoleRequestHeaders, signIn, signInConsoleAs } from '../support/principals';
import type { Problem } from '../support/problem';

vi.mock('next/cache', () => ({ updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn() }));
vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders() }));

const BASE = 'http://localhost:3000';
const db = async () => (await getDatabase()).db;
const list = (authorization: string) =>
  collectionRoute.GET(new Request(`${BASE}/api/v1/users`, { headers: { authorization } }), { params: Promise.resolve({}) });

beforeEach(async () => truncateAll(await db()));
afterEach(() => vi.unstubAllEnvs());

describe('/api/v1: a request budget per API key and per user', () => {
  it('announces the budget on every answer, then 429 problem+json with Retry-After; other callers keep theirs', async () => {
    vi.stubEnv('ROSTER_API_RATE_LIMIT', '3/60');
    const key = await apiKeyFor(await db(), ['users:read']);

    for (const remaining of [2, 1, 0]) {
      const response = await list(key.headers.authorization);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-policy')).toBe('"api";q=3;w=60');
      expect(response.headers.get('ratelimit')).toMatch(new RegExp(`^"api";r=${remaining};t=([1-9]|[1-5][0-9]|60)$`));
    }
    const refused = await list(key.headers.authorization);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit')).toBe(`"api";r=0;t=${retryAfter}`);
    expect((await refused.json()) as Problem).toEqual({
      type: 'urn:roster:problem:too-many-requests',
      title: 'Too Many Requests',
      status: 429,
      detail: `Too many requests. Retry in ${retryAfter} seconds.`,
      instance: '/api/v1/users',
    });

    const viewer = await bearerFor(await db(), 'viewer');
    expect((await list(viewer.headers.authorization)).status).toBe(200);
    expect((await list((await apiKeyFor(await db(), ['users:read'])).headers.authorization)).status).toBe(200);
  });

  it('counts a user across their sessions: the budget is the user’s, not the token’s', async () => {
    vi.stubEnv('ROSTER_API_RATE_LIMIT', '2/60');
    const viewer = await bearerFor(await db(), 'viewer');
    const second = await signIn(await db(), viewer.email);
    expect((await list(viewer.headers.authorization)).status).toBe(200);
    expect((await list(`Bearer ${second.token}`)).status).toBe(200);
    expect((await list(viewer.headers.authorization)).status).toBe(429);
  });
});

describe('Server Actions: a budget per console user', () => {
  it('past it, the form says how long to wait, and nothing is written', async () => {
    vi.stubEnv('ROSTER_ACTION_RATE_LIMIT', '2/60');
    await signInConsoleAs('admin');
    const create = (n: number) => createUserAction(idleState, formData({ email: `rl${n}@example.com`, name: `RL ${n}`, role: 'member', status: 'active' }));
    for (const n of [1, 2]) expect(await redirectTarget(() => create(n))).toMatch(/^\/users\/[0-9a-f-]+\?created=1$/);

    const state = await create(3);
    expect(state).toEqual({
      status: 'error',
      message: expect.stringMatching(/^Too many requests\. Try again in ([1-9]|[1-5][0-9]|60) seconds?\.$/),
      values: { email: 'rl3@example.com', name: 'RL 3', role: 'member', status: 'active' },
    });
    expect((await (await db()).select({ n: count() }).from(users).where(eq(users.email, 'rl3@example.com')))[0]!.n).toBe(0);
  });

  it('the live view’s refresh spends it too: past it, the refresh is refused', async () => {
    vi.stubEnv('ROSTER_ACTION_RATE_LIMIT', '2/60');
    const viewer = await signInConsoleAs('viewer');
    for (let n = 0; n < 2; n++) expect(await refreshLiveViewAction([viewer.userId])).toEqual({ status: 'success' });
    expect(await refreshLiveViewAction([viewer.userId])).toEqual({
      status: 'error',
      message: expect.stringMatching(/^Too many requests\. Try again in ([1-9]|[1-5][0-9]|60) seconds?\.$/),
      values: {},
    });
  });
});

describeEachDatabase('the shared store', (database) => {
  const storeFor = async (): Promise<RateLimitStore> => {
    const client = (database() as unknown as { $client: unknown }).$client;
    return client instanceof pg.Pool ? { kind: 'postgres', pool: client } : { kind: 'memory' };
  };

  it('counts atomically: 25 parallel requests on a budget of 10 get exactly 10 through', async () => {
    const limiter = limiterOn(await storeFor(), { keyPrefix: `test:${Math.random()}`, points: 10, duration: 60 });
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => limiter.consume('caller')));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    const store = await storeFor();
    if (store.kind === 'postgres') {
      expect(await database().select({ points: rateLimits.points }).from(rateLimits)).toEqual([{ points: 25 }]);
    }
  });

  it('counts a budget in batches: sent when full or within a second, at most batchSize − 1 over per instance', async () => {
    const points = 1_000;
    const keyPrefix = `test:${Math.random()}`;
    const limiter = limiterOn(await storeFor(), { keyPrefix, points, duration: 60 });
    // Two instances' counters over one shared store.
    const [a, b] = [new BatchedLimiter(limiter, points), new BatchedLimiter(limiter, points)] as const;
    expect(a.batchSize).toBe(10);

    for (let i = 0; i < 5; i++) await a.consume('idle');
    expect(await limiter.get('idle')).toBeNull(); // admitted, not yet written
    await expect.poll(async () => (await limiter.get('idle'))?.consumedPoints, { timeout: 10_000 }).toBe(5);

    let admitted = 0;
    for (let round = 0; round < 60; round++) {
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).consume('busy')));
      admitted += results.filter((result) => result.status === 'fulfilled').length;
    }
    expect(admitted).toBeGreaterThanOrEqual(points);
    expect(admitted).toBeLessThanOrEqual(points + 2 * (a.batchSize - 1));
    // Refused at once from what the last sync said, without a write.
    await expect(a.consume('busy')).rejects.toMatchObject({ remainingPoints: 0 });
  });

  it('counts a budget under 200 exactly: every request is a batch of one', async () => {
    const limiter = limiterOn(await storeFor(), { keyPrefix: `test:${Math.random()}`, points: 10, duration: 60 });
    const [a, b] = [new BatchedLimiter(limiter, 10), new BatchedLimiter(limiter, 10)] as const;
    const results = await Promise.allSettled(Array.from({ length: 25 }, (_, i) => (i % 2 ? a : b).consume('caller')));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
  });

  it('keeps limiting in memory while the shared store is down', async () => {
    const unreachable = new pg.Pool({ connectionString: 'postgres://roster:roster@127.0.0.1:1/roster' });
    const store: RateLimitStore = (await storeFor()).kind === 'postgres' ? { kind: 'postgres', pool: unreachable } : { kind: 'memory' };
    const limiter = limiterOn(store, { keyPrefix: 'test:down', points: 2, duration: 60 });
    const results = await Promise.allSettled([1, 2, 3].map(() => limiter.consume('caller')));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    await unreachable.end();
  });
});

/** Set by CI when Redis answers (like TEST_DATABASE_URL for PostgreSQL): the Redis store's own test. */
const testRedisUrl = process.env.TEST_REDIS_URL;

describe.skipIf(!testRedisUrl)(`the Redis store [${testRedisUrl ? 'redis' : 'redis: skipped because TEST_REDIS_URL is not set'}]`, () => {
  it('counts atomically across clients: 25 parallel requests from two instances on a budget of 10 get exactly 10 through', async () => {
    const clients = [new Redis(testRedisUrl!, { enableOfflineQueue: false }), new Redis(testRedisUrl!, { enableOfflineQueue: false })];
    try {
      await Promise.all(clients.map((client) => new Promise((resolve) => client.once('ready', resolve))));
      const keyPrefix = `test:${Math.random()}`;
      const [first, second] = clients.map((client) => limiterOn({ kind: 'redis', client }, { keyPrefix, points: 10, duration: 60 }));
      const results = await Promise.allSettled(Array.from({ length: 25 }, (_, i) => (i % 2 ? first! : second!).consume('caller')));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    } finally {
      clients.forEach((client) => client.disconnect());
    }
  });
});
