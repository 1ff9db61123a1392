import net from 'node:net';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { errorToActionState } from '@/actions/error-to-state';
import { isDatabaseUnavailable } from '@/core/db-errors';
import { closeDatabase, getDatabase } from '@/db';
import { openDatabase } from '@/db/client';
import { errorToResponse } from '@/http/problem';
import * as authRoute from '../../app/api/auth/[...all]/route';
import { testDatabaseUrl } from '../support/database';
import { reservePorts } from '../support/ports';
import { orGiveUp } from '../support/until';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

// The errors the drivers really raise when the database can't be had, most with no SQLSTATE, each caught as it
// happens; and what the two error mappers make of them: 503 + Retry-After on the API, "unavailable" on a form.

const failureOf = (work: () => Promise<unknown>) => work().then(() => expect.unreachable('it should have failed'), (error: unknown) => error);
const request = new Request('http://localhost:3000/api/v1/users');

function expectUnavailable(error: unknown): void {
  expect(isDatabaseUnavailable(error)).toBe(true);
  const response = errorToResponse(error, request);
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(errorToActionState(error, {}).message).toBe('The database is unavailable right now. Try again in a moment.');
}

describe('database unavailable', () => {
  it('the embedded database once closed', async () => {
    const handle = await openDatabase({ driver: 'pglite', dataDir: 'memory://' });
    await handle.close();
    expectUnavailable(await failureOf(() => handle.db.execute(sql`SELECT 1`)));
  });

  it('nothing listening at DATABASE_URL', async () => {
    const port = await reservePorts();
    expectUnavailable(await failureOf(() => openDatabase({ driver: 'postgres', url: `postgres://postgres@127.0.0.1:${port}/roster` })));
  });

  it('a server that accepts connections and never answers: opening one gives up after ROSTER_DB_CONNECT_TIMEOUT_MS', async () => {
    const silent = net.createServer(() => {});
    const port = await reservePorts();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    vi.stubEnv('ROSTER_DB_CONNECT_TIMEOUT_MS', '300');
    try {
      const error = await orGiveUp(failureOf(() => openDatabase({ driver: 'postgres', url: `postgres://postgres@127.0.0.1:${port}/roster` })), 'the connect timeout');
      expect((error as Error & { cause: Error }).cause.message).toBe('Connection terminated due to connection timeout');
      expectUnavailable(error);
    } finally {
      vi.unstubAllEnvs();
      silent.close();
    }
  });

  it('a pool that has been ended (shutting down)', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/unused' });
    await pool.end();
    expectUnavailable(await failureOf(() => drizzle({ client: pool }).execute(sql`SELECT 1`)));
  });

  it.skipIf(!testDatabaseUrl)('a client whose connection broke, asked again', async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    const broke = new Promise((resolve) => client.once('error', resolve));
    (client as unknown as { connection: { stream: net.Socket } }).connection.stream.destroy();
    expectUnavailable(await broke);
    const error = await failureOf(() => drizzle({ client }).execute(sql`SELECT 1`));
    expect((error as Error & { cause: Error }).cause.message).toBe('Client has encountered a connection error and is not queryable');
    expectUnavailable(error);
  });

  it('an auth endpoint (Better Auth) answers 503 too, and prints nothing to the console', async () => {
    const consoleError = vi.spyOn(console, 'error');
    await (await getDatabase()).close();
    try {
      const signIn = new Request('http://localhost:3000/api/auth/sign-in/email', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
        body: JSON.stringify({ email: 'someone@example.com', password: 'a password long enough' }),
      });
      const response = await authRoute.POST(signIn);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
      await closeDatabase().catch(() => {});
    }
  });

  it('but not a query that is wrong', async () => {
    const handle = await openDatabase({ driver: 'pglite', dataDir: 'memory://' });
    try {
      const error = await failureOf(() => handle.db.execute(sql`SELECT * FROM no_such_table`));
      expect(isDatabaseUnavailable(error)).toBe(false);
      expect(errorToResponse(error, request).status).toBe(500);
    } finally {
      await handle.close();
    }
  });
});
