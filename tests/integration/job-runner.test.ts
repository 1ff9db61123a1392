import { eq } from 'drizzle-orm';
import { afterAll, afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { createJob, defineJobKind, type JobKind } from '@/core/jobs';
import type { Principal } from '@/core/principal';
import type { Database } from '@/db/client';
import { jobs } from '@/db/schema';
import { closeEventFeed } from '@/server/event-feed';
import { startJobRunner } from '@/server/job-runner';
import type { StopJob } from '@/server/periodic';
import { describeOnDatabase } from '../support/database';
import { principalFor } from '../support/principals';
import { until } from '../support/until';

// The runner (src/server/job-runner.ts) works on one job at a time per process, so a server busy with a big job still
// has its connections and CPU for requests: a second job waits queued, and another instance may take it. Two runners
// stand for two instances; a kind of the test's own holds each job's one chunk open until the test lets it go.

/** Which runner is inside which job's chunk right now, and the most chunks each runner ever had open at once. */
const inside = new Map<string, number>();
const mostAtOnce = new Map<number, number>();
const gates = new Map<string, () => void>();

function gatedKind(runner: number): JobKind {
  return defineJobKind({
    name: 'test.gated',
    params: z.strictObject({}),
    async runChunk(chunk) {
      inside.set(chunk.jobId, runner);
      const open = [...inside.values()].filter((holder) => holder === runner).length;
      mostAtOnce.set(runner, Math.max(mostAtOnce.get(runner) ?? 0, open));
      await new Promise<void>((resolve) => gates.set(chunk.jobId, resolve));
      inside.delete(chunk.jobId);
      return { cursor: null, done: true };
    },
  }) as JobKind;
}

const release = (id: string) => {
  gates.get(id)!();
  gates.delete(id);
};
const statusOf = async (db: Database, id: string) => (await db.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, id)))[0]!.status;

let stops: StopJob[] = [];
afterEach(async () => {
  for (const id of [...gates.keys()]) release(id);
  await Promise.all(stops.map((stop) => stop()));
  stops = [];
});
afterAll(closeEventFeed);

describeOnDatabase('postgres', 'the job runner', (db) => {
  const runner = (n: number) => {
    stops.push(startJobRunner({ db: db(), kinds: new Map([['test.gated', gatedKind(n)]]), intervalMs: 20 }));
  };
  const queue = async (principal: Principal) => (await db().transaction((tx) => createJob(tx, principal, gatedKind(0), { params: {}, total: 1 }))).id;

  it('claims one job at a time: a second waits queued while the first runs, another instance takes it, then the next', async () => {
    const admin = await principalFor(db(), 'admin');
    const [first, second, third] = [await queue(admin), await queue(admin), await queue(admin)];

    runner(1);
    await until('runner 1 to start the oldest job', () => inside.get(first!) === 1);
    expect(await statusOf(db(), second!)).toBe('queued');
    expect(await statusOf(db(), third!)).toBe('queued');

    runner(2); // another instance: the queued job is free for it
    await until('runner 2 to start the next job', () => inside.get(second!) === 2);
    expect(await statusOf(db(), third!)).toBe('queued');

    release(first!);
    await until('runner 1, free again, to start the last job', () => inside.get(third!) === 1);
    expect(await statusOf(db(), first!)).toBe('succeeded');

    release(second!);
    release(third!);
    await until('every job to finish', async () => (await db().select({ status: jobs.status }).from(jobs)).every((job) => job.status === 'succeeded'));
    expect(Object.fromEntries(mostAtOnce)).toEqual({ 1: 1, 2: 1 });
  });
});
