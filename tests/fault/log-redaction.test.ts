import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashApiKeySecret } from '@/core/api-keys/secret';
import { closeDatabase, getDatabase } from '@/db';
import { errorToResponse } from '@/http/problem';
import { libraryLog, logger } from '@/lib/logger';
import * as collectionRoute from '../../app/api/v1/users/route';
import { apiKeyFor } from '../support/principals';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

// A failed query's error carries its parameters (Drizzle puts them in `params` and at the end of its message): what
// the app's logger writes must keep the SQL and the cause, and none of the values.

let lines: string[];
beforeEach(() => {
  lines = [];
  logger.level = 'info';
  const stream = (logger as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym]!;
  vi.spyOn(stream, 'write').mockImplementation((line: string) => void lines.push(line));
});
afterEach(() => {
  logger.level = 'silent';
  vi.restoreAllMocks();
});

describe('logs of failed queries', () => {
  it("carry no API key's secret hash when the database fails under a request", async () => {
    const key = await apiKeyFor((await getDatabase()).db, ['users:read']);
    await (await getDatabase()).close(); // the next query fails, with the key's hash as its parameter
    try {
      const response = await collectionRoute.GET(new Request('http://localhost:3000/api/v1/users', { headers: key.headers }), { params: Promise.resolve({}) });
      expect(response.status).toBe(503);
    } finally {
      await closeDatabase().catch(() => {});
    }
    const [line] = lines.filter((entry) => entry.includes('database unavailable'));
    expect(line).toContain('Failed query: select');
    expect(line).toContain('PGlite is closed');
    expect(line).not.toContain(hashApiKeySecret(key.secret));
    expect(line).not.toContain(key.secret);
    expect(line).not.toContain('params');
  });

  it('carry no parameter of a query that fails for another reason (a 500)', async () => {
    const secret = 'rst_not-a-number-but-a-secret';
    const error = await (await getDatabase()).db.execute(sql`SELECT ${secret}::int`).catch((failure: unknown) => failure);
    expect(errorToResponse(error, new Request('http://localhost:3000/api/v1/users')).status).toBe(500);
    const [line] = lines.filter((entry) => entry.includes('unhandled error in route handler'));
    expect(line).toContain('Failed query: SELECT $1::int');
    // PostgreSQL quotes the value it could not take: that is cut too.
    expect(line).toContain('invalid input syntax for type integer: \\"[redacted]\\"');
    expect(line).not.toContain(secret);
  });

  it("carry no parameter when Better Auth logs them, as text or as an error", async () => {
    const secret = 'session-token-0123456789';
    const error = (await (await getDatabase()).db.execute(sql`SELECT ${secret}::int`).catch((failure: unknown) => failure)) as Error;
    const log = libraryLog('better-auth');
    log('error', error.message);
    log('error', 'DrizzleQueryError', error);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toContain('Failed query: SELECT $1::int');
      expect(line).not.toContain(secret);
    }
  });
});
