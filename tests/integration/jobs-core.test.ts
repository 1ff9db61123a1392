import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { recordEvent } from '@/core/events';
import { Conflict, Forbidden, NotFound } from '@/core/errors';
import { cancelJob, claimJob, createJob, defineJobKind, getJob, runJobChunk, type ClaimedJob, type JobKind } from '@/core/jobs';
import type { Principal } from '@/core/principal';
import { auditEvents, jobs, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { describeEachDatabase } from '../support/database';
import { insertUser, principalFor } from '../support/principals';

// The jobs core with a kind of the test's own: renames users, two per chunk, failing the ones it is told to, and
// crashing mid-chunk when told to (as a process dying would), to show what a restart resumes from.

let crashAfter: number | undefined;
const renames = defineJobKind({
  name: 'test.rename',
  params: z.strictObject({ ids: z.array(z.uuid()), name: z.string() }),
  async runChunk(chunk) {
    const start = (chunk.cursor as number | null) ?? 0;
    const ids = chunk.params.ids.slice(start, start + 2);
    for (const [index, id] of ids.entries()) {
      if (crashAfter !== undefined && start + index >= crashAfter) throw new Error('the process died');
      await chunk.item({ userId: id }, async (tx) => {
        const [row] = await tx.update(users).set({ name: chunk.params.name }).where(eq(users.id, id)).returning();
        await recordEvent(tx, chunk.principal, { type: 'user.updated', subject: { type: 'user', id }, changes: { name: { before: null, after: row?.name ?? null } } });
        if (!row) throw new NotFound('User');
        if (row.role === 'owner') throw new Forbidden('Owners keep their names.');
      });
    }
    return { cursor: start + ids.length, done: start + ids.length >= chunk.params.ids.length };
  },
});
const kinds = new Map<string, JobKind>([[renames.name, renames as JobKind]]);
const lease = { leaseMs: 60_000 };

async function start(db: Database, principal: Principal, ids: string[]) {
  return db.transaction((tx) => createJob(tx, principal, renames, { params: { ids, name: 'Renamed' }, total: ids.length }));
}

async function runToEnd(db: Database, claimed: ClaimedJob) {
  while ((await runJobChunk(db, kinds, claimed, lease)) === 'more');
}

describeEachDatabase('jobs core', (db) => {
  it('runs a job in chunks, each item all or nothing, and audits every item with the job’s id', async () => {
    const admin = await principalFor(db(), 'admin');
    const members = await Promise.all([1, 2, 3].map(() => insertUser(db(), 'member')));
    const owner = await insertUser(db(), 'owner');
    const missing = '0190a0a0-0000-7000-8000-000000000000';
    const job = await start(db(), admin, [members[0]!.id, owner.id, missing, members[1]!.id, members[2]!.id]);
    expect(job).toMatchObject({ status: 'queued', total: 5, processed: 0 });

    const claimed = (await claimJob(db(), lease))!;
    expect(claimed.id).toBe(job.id);
    expect(await claimJob(db(), lease)).toBeUndefined();
    await runToEnd(db(), claimed);

    const done = await getJob({ db: db(), principal: admin }, job.id);
    expect(done).toMatchObject({ status: 'succeeded', total: 5, processed: 5, succeeded: 3, failed: 2, errorCount: 2, nextErrorsAfter: null });
    expect(done.errors).toEqual([
      { userId: owner.id, code: 'forbidden', detail: 'Owners keep their names.' },
      { userId: missing, code: 'not_found', detail: 'User not found' },
    ]);
    const names = await db().select({ id: users.id, name: users.name }).from(users);
    expect(names.filter((row) => row.name === 'Renamed').map((row) => row.id).sort()).toEqual(members.map((row) => row.id).sort());
    // The failed items' events rolled back with them; the applied ones carry the job's id. Every chunk but the last
    // says how far the job has come (the console's progress bar follows it).
    const events = await db().select().from(auditEvents).orderBy(auditEvents.position);
    expect(events.map((event) => event.action)).toEqual(['job.created', 'user.updated', 'job.progress', 'user.updated', 'job.progress', 'user.updated', 'job.finished']);
    const items = events.filter((event) => event.action === 'user.updated');
    expect(items.every((event) => event.data.jobId === job.id && event.actor === `user:${admin.userId}`)).toBe(true);
    expect(events.filter((event) => event.action === 'job.progress').map((event) => [event.subjectId, event.changes, event.data.job])).toEqual([
      [job.id, { processed: { before: 0, after: 2 } }, expect.objectContaining({ status: 'running', processed: 2, succeeded: 1, failed: 1 })],
      [job.id, { processed: { before: 2, after: 4 } }, expect.objectContaining({ status: 'running', processed: 4, succeeded: 2, failed: 2 })],
    ]);
    expect(events.at(-1)!.data).toMatchObject({ job: { status: 'succeeded', succeeded: 3 }, jobId: job.id });
  });

  it('resumes after a crash from the last committed chunk, applying each item exactly once', async () => {
    const admin = await principalFor(db(), 'admin');
    const members = await Promise.all([1, 2, 3, 4, 5].map(() => insertUser(db(), 'member')));
    const job = await start(db(), admin, members.map((row) => row.id));
    const first = (await claimJob(db(), lease))!;
    crashAfter = 3;
    try {
      expect(await runJobChunk(db(), kinds, first, lease)).toBe('more');
      await expect(runJobChunk(db(), kinds, first, lease)).rejects.toThrow('the process died');
    } finally {
      crashAfter = undefined;
    }
    // The chunk that died left nothing: item 3 (applied before the crash, in the same chunk) rolled back with it.
    expect(await getJob({ db: db(), principal: admin }, job.id)).toMatchObject({ status: 'running', processed: 2 });
    expect(await db().select().from(users).where(eq(users.name, 'Renamed'))).toHaveLength(2);

    // Another runner takes it over once the lease runs out, and finishes it.
    expect(await claimJob(db(), lease)).toBeUndefined();
    const second = (await claimJob(db(), { ...lease, now: new Date(Date.now() + 61_000) }))!;
    expect(second.id).toBe(job.id);
    expect(await runJobChunk(db(), kinds, first, lease)).toBe('lost');
    await runToEnd(db(), second);
    expect(await getJob({ db: db(), principal: admin }, job.id)).toMatchObject({ status: 'succeeded', processed: 5, succeeded: 5 });
    const updates = await db().select().from(auditEvents).where(eq(auditEvents.action, 'user.updated'));
    expect(updates.map((event) => event.subjectId).sort()).toEqual(members.map((row) => row.id).sort());
  });

  it('cancels between chunks, idempotently; a finished job cannot be canceled', async () => {
    const admin = await principalFor(db(), 'admin');
    const members = await Promise.all([1, 2, 3].map(() => insertUser(db(), 'member')));
    const job = await start(db(), admin, members.map((row) => row.id));
    const claimed = (await claimJob(db(), lease))!;
    expect(await runJobChunk(db(), kinds, claimed, lease)).toBe('more');
    expect(await cancelJob({ db: db(), principal: admin }, job.id)).toMatchObject({ status: 'canceled', processed: 2 });
    expect(await cancelJob({ db: db(), principal: admin }, job.id)).toMatchObject({ status: 'canceled' });
    expect(await runJobChunk(db(), kinds, claimed, lease)).toBe('lost');
    expect(await db().select().from(users).where(eq(users.name, 'Renamed'))).toHaveLength(2);

    const other = await start(db(), admin, [members[0]!.id]);
    await runToEnd(db(), (await claimJob(db(), lease))!);
    await expect(cancelJob({ db: db(), principal: admin }, other.id)).rejects.toThrow(Conflict);
  });

  it('shows a job to its creator and to admins and owners only, and fails it once its creator is suspended', async () => {
    const creator = await principalFor(db(), 'admin');
    const viewer = await principalFor(db(), 'viewer');
    const owner = await principalFor(db(), 'owner');
    const member = await insertUser(db(), 'member');
    const job = await start(db(), creator, [member.id]);
    await expect(getJob({ db: db(), principal: viewer }, job.id)).rejects.toThrow(NotFound);
    await expect(cancelJob({ db: db(), principal: viewer }, job.id)).rejects.toThrow(NotFound);
    await expect(getJob({ db: db(), principal: owner }, 'not-a-uuid')).rejects.toThrow(NotFound);
    expect((await getJob({ db: db(), principal: owner }, job.id)).id).toBe(job.id);

    await db().update(users).set({ status: 'suspended' }).where(eq(users.id, creator.userId));
    await runToEnd(db(), (await claimJob(db(), lease))!);
    expect(await getJob({ db: db(), principal: owner }, job.id)).toMatchObject({ status: 'failed', processed: 0, failure: expect.stringMatching(/suspended/) });
    expect((await db().select().from(users).where(eq(users.id, member.id)))[0]!.name).not.toBe('Renamed');
  });

  it('keeps the first errors and counts them all, paging through what it keeps', async () => {
    const admin = await principalFor(db(), 'admin');
    const ids = Array.from({ length: 150 }, (_, index) => `0190a0a0-0000-7000-8000-${String(index).padStart(12, '0')}`);
    const job = await start(db(), admin, ids);
    await runToEnd(db(), (await claimJob(db(), lease))!);
    const first = await getJob({ db: db(), principal: admin }, job.id);
    expect(first).toMatchObject({ failed: 150, errorCount: 150, nextErrorsAfter: 100 });
    expect(first.errors).toHaveLength(100);
    const rest = await getJob({ db: db(), principal: admin }, job.id, { errorsAfter: first.nextErrorsAfter! });
    expect(rest.errors.map((error) => error.userId)).toEqual(ids.slice(100));
    expect(rest.nextErrorsAfter).toBeNull();
    expect(await db().select().from(jobs)).toHaveLength(1);
  });
});
