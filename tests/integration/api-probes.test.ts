import { connection } from 'next/server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeDatabase, getDatabase } from '@/db';
import { GET as health } from '../../app/api/health/route';
import { GET as ready } from '../../app/api/ready/route';
import * as collectionRoute from '../../app/api/v1/users/route';
import { apiKeyFor, type TestApiKey } from '../support/principals';
import { startDraining } from '../support/shutdown';

// This file swaps the process-wide database out from under the app, so it lives apart from every other suite.

// connection() throws outside a Next request; the route only uses it to opt out of prerendering.
vi.mock('next/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/server')>()),
  connection: vi.fn(async () => undefined),
}));
vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const BASE = 'http://localhost:3000';
const originalDatabaseUrl = process.env.DATABASE_URL;
const UNREACHABLE_POSTGRES = 'postgres://roster:roster@127.0.0.1:1/roster';
/** An integration's write key, made while the database was up: the outage, not the credentials, decides the answer. */
let apiKey: TestApiKey;

async function expectProblem(response: Response, status: number, instance: string) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = JSON.parse(text) as { type: string; title: string; status: number; instance: string; detail?: string };
  expect(problem).toMatchObject({ type: 'urn:roster:problem:unavailable', title: expect.any(String), status, instance });
  return problem;
}

/** Runs `body` with the cached database closed and DATABASE_URL pointing at a port nothing listens on. */
async function withUnreachableDatabase(body: () => Promise<void>): Promise<void> {
  const saved = process.env.DATABASE_URL;
  await closeDatabase();
  process.env.DATABASE_URL = UNREACHABLE_POSTGRES;
  try {
    await body();
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    await closeDatabase(); // nothing should be cached after a failed open, but never leave a handle behind
  }
}

beforeAll(async () => {
  if (originalDatabaseUrl) throw new Error('Unset DATABASE_URL: these tests expect the in-memory database vitest.config.ts sets up.');
  const { db } = await getDatabase(); // the cold start (WASM compile) belongs in a hook, not in a test's time budget
  apiKey = await apiKeyFor(db, ['users:write']);
});
afterEach(() => {
  expect(process.env.DATABASE_URL).toBe(originalDatabaseUrl); // each test put the environment back
});
afterAll(async () => {
  await closeDatabase();
});

describe('GET /api/health', () => {
  it('200 {status: "ok"}, uncached', async () => {
    const response = await health(); // awaited: the suite checks each response against the OpenAPI document on the way
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('stays 200 while the database is unreachable (liveness must not depend on it)', async () => {
    await withUnreachableDatabase(async () => {
      expect((await health()).status).toBe(200);
    });
  });
});

describe('GET /api/ready', () => {
  beforeEach(() => vi.mocked(connection).mockClear());

  it('200 when the database answers', async () => {
    const response = await ready(new Request(`${BASE}/api/ready`));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ready', database: 'pglite' });
    expect(connection).toHaveBeenCalledTimes(1);
  });

  it('503 problem+json with Retry-After when the database is unreachable', async () => {
    await withUnreachableDatabase(async () => {
      const started = Date.now();
      const response = await ready(new Request(`${BASE}/api/ready`));
      const problem = await expectProblem(response, 503, '/api/ready');
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.headers.get('cache-control')).toBe('no-store, no-transform');
      // Never leak driver internals such as the connection string.
      expect(JSON.stringify(problem)).not.toContain('127.0.0.1');
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  it('503 when an open database stops answering', async () => {
    const handle = await getDatabase();
    await handle.close(); // the cached handle now points at a closed database
    try {
      const response = await ready(new Request(`${BASE}/api/ready`));
      await expectProblem(response, 503, '/api/ready');
    } finally {
      // Forget the dead handle without closing it twice.
      (globalThis as unknown as { rosterDatabase?: unknown }).rosterDatabase = undefined;
    }
  });

  it('503 problem+json with Retry-After while the server shuts down, so load balancers stop sending traffic', async () => {
    const stopDraining = await startDraining();
    try {
      const response = await ready(new Request(`${BASE}/api/ready`));
      const problem = await expectProblem(response, 503, '/api/ready');
      expect(problem.detail).toBe('This server is shutting down.');
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      stopDraining();
    }
    expect((await ready(new Request(`${BASE}/api/ready`))).status).toBe(200);
  });

  it('recovers: 200 again once the database is back', async () => {
    await withUnreachableDatabase(async () => {
      expect((await ready(new Request(`${BASE}/api/ready`))).status).toBe(503);
    });
    const response = await ready(new Request(`${BASE}/api/ready`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', database: 'pglite' });
  });
});

describe('/api/v1 while the database is unreachable', () => {
  it('GET and POST /api/v1/users answer 503 problem+json, not 500', async () => {
    await withUnreachableDatabase(async () => {
      const list = await collectionRoute.GET(new Request(`${BASE}/api/v1/users`, { headers: apiKey.headers }), { params: Promise.resolve({}) });
      await expectProblem(list, 503, '/api/v1/users');
      expect(list.headers.get('retry-after')).toBe('5');

      const create = await collectionRoute.POST(
        new Request(`${BASE}/api/v1/users`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...apiKey.headers },
          body: JSON.stringify({ email: 'down@example.com', name: 'Down' }),
        }),
        { params: Promise.resolve({}) },
      );
      await expectProblem(create, 503, '/api/v1/users');
    });
  });
});
