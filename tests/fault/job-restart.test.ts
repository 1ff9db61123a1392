import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { seedUsersFor } from '../support/bulk-users';
import { testDatabaseUrl } from '../support/database';
import { killStartedServers, npmStart, serverDatabase, signInOwner, type ProductionServer, type ServerDatabase } from '../support/production-server';
import { orGiveUp, until } from '../support/until';

// A background job survives its server being killed mid-way (the "a job survives a server restart"): the real
// `npm start` on PostgreSQL runs a bulk suspend of thousands of users, 100 a chunk; once some chunks have committed
// (seen in the database, not guessed by a sleep) the server gets SIGKILL, a new one starts, and resumes the job from
// its last committed chunk once the dead runner's lease (ROSTER_JOBS_LEASE_MS) runs out. Every user ends suspended
// exactly once: one user.updated event each, naming the job, and counters equal to the total.

const members = 3_000; // 30 chunks: far more than can commit between a poll that sees the first and the kill
const jobSettings = { ROSTER_JOBS_LEASE_MS: '5000', ROSTER_JOBS_POLL_MS: '200' };

interface JobState {
  status: string;
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
}

beforeAll(() => {
  buildIfStale({ log: () => {} });
}, 900_000);
afterEach(killStartedServers);

describe.skipIf(!testDatabaseUrl)(`a job across a server restart [${testDatabaseUrl ? 'postgres' : 'postgres: skipped because TEST_DATABASE_URL is not set'}]`, { timeout: 900_000 }, () => {
  let database: ServerDatabase;
  beforeAll(async () => {
    database = await serverDatabase('postgres');
    await seedUsersFor(database, members);
  }, 300_000);
  afterAll(async () => database?.remove());

  const jobState = async (id: string): Promise<JobState> =>
    (await database.observer!.query<JobState>('SELECT status, total, processed, succeeded, failed FROM jobs WHERE id = $1', [id])).rows[0]!;

  it('SIGKILL mid-way: a new server finishes the job, each item applied exactly once and audited with the job id', async () => {
    const first = await npmStart(database.env, jobSettings);
    const started = await fetch(`${first.origin}/api/v1/users/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await signInOwner(first.origin)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'suspend', filter: { role: 'member', status: 'active' } }),
    });
    expect(started.status).toBe(202);
    const job = (await started.json()) as { id: string; total: number };
    expect(job.total).toBe(members);

    await until('the job to commit its first chunks', async () => (await jobState(job.id)).processed > 0, 300_000);
    await kill(first);
    const atKill = await jobState(job.id);
    expect(atKill.status).toBe('running');
    expect(atKill.processed).toBeGreaterThan(0);
    expect(atKill.processed).toBeLessThan(members);

    const second = await npmStart(database.env, jobSettings);
    const token = await signInOwner(second.origin);
    const done = await until(
      'the restarted server to finish the job',
      async () => {
        const body = (await (await fetch(`${second.origin}/api/v1/jobs/${job.id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as JobState;
        return body.status === 'running' || body.status === 'queued' ? null : body;
      },
      600_000,
    );
    expect(done).toMatchObject({ status: 'succeeded', total: members, processed: members, succeeded: members, failed: 0 });
    expect(second.output()).toContain(`"jobId":"${job.id}","msg":"job claimed"`);

    const { rows: statuses } = await database.observer!.query<{ status: string; n: number }>("SELECT status, count(*)::int AS n FROM users WHERE role = 'member' GROUP BY status");
    expect(statuses).toEqual([{ status: 'suspended', n: members }]);
    const { rows: perUser } = await database.observer!.query<{ events: number; users: number }>(
      `SELECT events, count(*)::int AS users FROM (
         SELECT subject_id, count(*)::int AS events FROM audit_events WHERE action = 'user.updated' AND data->>'jobId' = $1 GROUP BY subject_id
       ) AS per_user GROUP BY events`,
      [job.id],
    );
    expect(perUser).toEqual([{ events: 1, users: members }]);
    const { rows: unattributed } = await database.observer!.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE action = 'user.updated' AND data->>'jobId' IS DISTINCT FROM $1", [job.id]);
    expect(unattributed[0]!.n).toBe(0);
  });
});

/** SIGKILL to the server itself (npm's child): no drain, no release, its chunk in progress dies with its connection. */
async function kill(server: ProductionServer): Promise<void> {
  process.kill(server.serverPid, 'SIGKILL');
  await orGiveUp(server.exited, 'npm to exit after its server was killed');
}
