import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKeySecret } from '@/core/api-keys/secret';
import { openDatabase } from '@/db/client';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { apiKeyFor, type TestApiKey } from '../support/principals';
import { killStartedServers, npmStart, type ProductionServer } from '../support/production-server';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { orGiveUp, until } from '../support/until';

// The production server (`npm start`) on a PostgreSQL server of this file's own, as the issue measured it
// from outside: writers post users while the database crashes and restarts; afterwards every write answered 201 or
// 503, every 201 is kept, no log line holds the API key's hash, and SIGTERM still ends in a clean exit (the pool's
// end() used to wait forever for the clients an outage had leaked).

let database: PrivatePostgres;
let server: ProductionServer;
let key: TestApiKey;

beforeAll(async () => {
  if (privatePostgresUnavailable) return;
  buildIfStale({ log: () => {} });
  database = await startPrivatePostgres();
  await database.query('CREATE DATABASE roster');
  const handle = await openDatabase({ driver: 'postgres', url: database.url('roster') });
  key = await apiKeyFor(handle.db, ['users:read', 'users:write']);
  await handle.close();

  server = await npmStart({ DATABASE_URL: database.url('roster') }, { ROSTER_DB_POOL_SIZE: '4', ROSTER_DB_CONNECT_TIMEOUT_MS: '2000' });
}, 900_000);

afterAll(async () => {
  killStartedServers();
  await database?.destroy();
});

let written = 0;
async function createOne(): Promise<{ status: number; retryAfter: string | null; id?: string }> {
  const n = written++;
  const response = await fetch(`${server.origin}/api/v1/users`, {
    method: 'POST',
    headers: { ...key.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ email: `server-writer-${n}@outage.test`, name: `Writer ${n}` }),
  });
  const body = (await response.json()) as { id?: string };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ...(response.status === 201 ? { id: body.id } : {}) };
}

describe.skipIf(privatePostgresUnavailable)(`the production server through database outages${privatePostgresUnavailable ? ` (skipped: ${privatePostgresUnavailable})` : ''}`, () => {
  it('answers every write 201 or 503, keeps every 201, logs no secret hash, and exits 0 on SIGTERM', async () => {
    const answers: Awaited<ReturnType<typeof createOne>>[] = [];
    let writing = true;
    const writers = Array.from({ length: 6 }, async () => {
      while (writing) answers.push(await createOne());
    });
    for (const mode of ['immediate', 'fast'] as const) {
      const created = answers.filter((answer) => answer.status === 201).length;
      await until('a write to succeed while the database is up', () => answers.filter((answer) => answer.status === 201).length > created);
      await database.stop(mode);
      answers.push(await createOne());
      expect(answers.at(-1)).toEqual({ status: 503, retryAfter: '5' });
      await database.start();
    }
    await until('a write to succeed after the last restart', async () => (await createOne()).status === 201);
    writing = false;
    await Promise.all(writers);

    expect(answers.filter((answer) => !(answer.status === 201 || (answer.status === 503 && answer.retryAfter === '5')))).toEqual([]);
    const created = answers.flatMap((answer) => (answer.id ? [answer.id] : []));
    const [kept] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE id = ANY($1::uuid[])', [created], 'roster');
    expect(kept!.n).toBe(created.length);

    process.kill(server.npm.pid!, 'SIGTERM'); // npm passes it on to the server, its child
    expect(await orGiveUp(server.exited, 'the server to exit after SIGTERM')).toBe(0);
    const log = server.output();
    expect(log).toContain('"outcome":"drained"');
    expect(log).toContain('database unavailable');
    expect(log).not.toContain(hashApiKeySecret(key.secret));
  });
});
