import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase, getDatabase } from '@/db';
import { users } from '@/db/schema';
import * as collectionRoute from '../../app/api/v1/users/route';
import { apiKeyFor, type TestApiKey } from '../support/principals';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { until } from '../support/until';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

// The connection is lost while COMMIT is under way: the client can't know whether its write was kept. To make that
// happen on cue, this file's own PostgreSQL server is made to wait for a synchronous standby that doesn't exist, so
// a COMMIT is written locally and then waits (wait_event SyncRep); terminating that backend then answers the client
// with nothing but a closed connection, and the transaction stays committed ("The transaction has already committed
// locally"). The standby is required only once the request's transaction is under way (held at its INSERT by a
// table lock), so that the writes before it (the rate-limit counter) don't wait too.

let server: PrivatePostgres;
let key: TestApiKey;

beforeAll(async () => {
  server = await startPrivatePostgres();
  await server.query('CREATE DATABASE roster');
  vi.stubEnv('DATABASE_URL', server.url('roster'));
  key = await apiKeyFor((await getDatabase()).db, ['users:read', 'users:write']);
});

afterAll(async () => {
  await closeDatabase().catch(() => {});
  vi.unstubAllEnvs();
  await server?.destroy();
});

const body = JSON.stringify({ email: 'ambiguous@commit.test', name: 'Ambiguous' });
function post(headers: Record<string, string> = {}): Promise<Response> {
  const request = new Request('http://localhost:3000/api/v1/users', {
    method: 'POST',
    headers: { ...key.headers, 'content-type': 'application/json', ...headers },
    body,
  });
  return collectionRoute.POST(request, { params: Promise.resolve({}) });
}

/** Sets synchronous_standby_names and waits until new sessions see it (a reload reaches the server's processes asynchronously). */
async function requireStandby(name: string): Promise<void> {
  await server.query(name ? `ALTER SYSTEM SET synchronous_standby_names = '${name}'` : 'ALTER SYSTEM RESET synchronous_standby_names');
  await server.query('SELECT pg_reload_conf()');
  await until(`synchronous_standby_names = '${name}'`, async () => (await server.query<{ value: string }>(`SELECT current_setting('synchronous_standby_names') AS value`))[0]!.value === name);
}

describe.skipIf(privatePostgresUnavailable)(`a connection lost during COMMIT${privatePostgresUnavailable ? ` (skipped: ${privatePostgresUnavailable})` : ''}`, () => {
  it('answers 503; the write was kept, and a retry with the same Idempotency-Key replays the 201 instead of a 409', async () => {
    const holder = new pg.Client({ connectionString: server.url('roster') });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE users IN SHARE MODE');
    const answer = post({ 'idempotency-key': '"ambiguous-1"' });
    const backendWaiting = (condition: string) =>
      until(condition, () => server.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = 'roster' AND ${condition}`).then((rows) => rows[0]));
    await backendWaiting(`wait_event_type = 'Lock' AND query LIKE 'insert into "users"%'`);
    await requireStandby('nobody');
    await holder.query('COMMIT');
    await holder.end();
    const committing = await backendWaiting(`wait_event = 'SyncRep'`);
    await server.query('SELECT pg_terminate_backend($1)', [committing.pid]);
    const lost = await answer;
    expect(lost.status).toBe(503);
    expect(lost.headers.get('retry-after')).toBe('5');
    await requireStandby('');

    // The client was told nothing certain, and yet the user exists...
    const [kept] = await (await getDatabase()).db.select({ id: users.id }).from(users).where(eq(users.email, 'ambiguous@commit.test'));
    expect(kept).toBeDefined();
    // ...and so does the response stored with it: the retry gets the original 201.
    const retry = await post({ 'idempotency-key': '"ambiguous-1"' });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(((await retry.json()) as { id: string }).id).toBe(kept!.id);
    // Without the key, the same retry can only find its own user in the way.
    expect((await post()).status).toBe(409);
  });
});
