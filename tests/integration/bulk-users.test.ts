import { eq, inArray } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { claimJob, runJobChunk } from '@/core/jobs';
import { jobKinds } from '@/core/jobs/kinds';
import { getDatabase } from '@/db';
import { auditEvents, mailOutbox, sessions, users } from '@/db/schema';
import * as bulkRoute from '../../app/api/v1/users/bulk/route';
import * as jobRoute from '../../app/api/v1/jobs/[id]/route';
import { truncateAll } from '../support/database';
import { bearerFor, insertUser } from '../support/principals';

// POST /api/v1/users/bulk end to end: the dry run's counts and skips, the job it starts, what the job does to each
// user (through the single-user rules), and GET /api/v1/jobs/{id} reporting it.

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const BASE = 'http://localhost:3000';
const db = async () => (await getDatabase()).db;
const post = (authorization: string, body: unknown) =>
  bulkRoute.POST(new Request(`${BASE}/api/v1/users/bulk`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) }), { params: Promise.resolve({}) });
const getJob = (authorization: string, id: string) => jobRoute.GET(new Request(`${BASE}/api/v1/jobs/${id}`, { headers: { authorization } }), { params: Promise.resolve({ id }) });

async function runAll() {
  for (let job = await claimJob(await db(), { leaseMs: 60_000 }); job; job = await claimJob(await db(), { leaseMs: 60_000 })) {
    while ((await runJobChunk(await db(), jobKinds, job, { leaseMs: 60_000 })) === 'more');
  }
}

beforeEach(async () => truncateAll(await db()));

describe('POST /api/v1/users/bulk', () => {
  it('dry run: counts what it names and lists what the single-user rules would skip, changing nothing', async () => {
    const database = await db();
    const admin = await bearerFor(database, 'admin');
    const members = await Promise.all([1, 2].map(() => insertUser(database, 'member')));
    const owner = await insertUser(await db(), 'owner');
    const response = await post(admin.headers.authorization, { action: 'delete', ids: [...members.map((row) => row.id), owner.id], dryRun: true });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      action: 'delete',
      matched: 3,
      willApply: 2,
      skippedCount: 1,
      skipped: [{ userId: owner.id, code: 'forbidden', detail: 'Only owners can grant, change or remove admin and owner accounts.' }],
    });
    expect(await (await db()).select().from(users).where(inArray(users.id, members.map((row) => row.id)))).toHaveLength(2);
  });

  it('starts a job (202, Location) that suspends whom it may, reports the rest, and audits each with the job id', async () => {
    const database = await db();
    const admin = await bearerFor(database, 'admin');
    const members = await Promise.all([1, 2, 3].map(() => insertUser(database, 'member')));
    const otherAdmin = await insertUser(await db(), 'admin');
    const response = await post(admin.headers.authorization, { action: 'suspend', filter: {}, dryRun: false });
    expect(response.status).toBe(202);
    const job = (await response.json()) as { id: string; status: string; total: number };
    expect(response.headers.get('location')).toBe(`${BASE}/api/v1/jobs/${job.id}`);
    expect(job).toMatchObject({ status: 'queued', total: 5 });

    await runAll();
    const done = await (await getJob(admin.headers.authorization, job.id)).json();
    // Members suspended; the other admin and the acting admin themself are admins: refused by the single-user rule.
    expect(done).toMatchObject({ status: 'succeeded', total: 5, processed: 5, succeeded: 3, failed: 2, errorCount: 2 });
    expect(done.errors.map((error: { userId: string }) => error.userId).sort()).toEqual([admin.userId, otherAdmin.id].sort());
    const rows = await (await db()).select({ id: users.id, status: users.status }).from(users).where(inArray(users.id, members.map((row) => row.id)));
    expect(rows.every((row) => row.status === 'suspended')).toBe(true);
    const events = await (await db()).select().from(auditEvents).where(eq(auditEvents.action, 'user.updated'));
    expect(events).toHaveLength(3);
    expect(events.every((event) => event.data.jobId === job.id)).toBe(true);
  });

  it('signs out everywhere and sends password resets, one per user', async () => {
    const admin = await bearerFor(await db(), 'admin');
    const member = await bearerFor(await db(), 'member');
    for (const action of ['sign-out', 'send-password-reset'] as const) {
      const response = await post(admin.headers.authorization, { action, ids: [member.userId] });
      expect(response.status).toBe(202);
    }
    await runAll();
    expect(await (await db()).select().from(sessions).where(eq(sessions.userId, member.userId))).toHaveLength(0);
    expect(await (await db()).select().from(mailOutbox).where(eq(mailOutbox.kind, 'password-reset'))).toHaveLength(1);
  });

  it('refuses bad input with problem+json, and viewers outright', async () => {
    const admin = await bearerFor(await db(), 'admin');
    const viewer = await bearerFor(await db(), 'viewer');
    const bad = await post(admin.headers.authorization, { action: 'set-role', ids: [] });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await bad.json()).errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual(['/ids', '/role']);
    expect((await post(admin.headers.authorization, { action: 'suspend', ids: ['x'], filter: {} })).status).toBe(422);
    expect((await post(viewer.headers.authorization, { action: 'suspend', filter: {} })).status).toBe(403);
  });
});
