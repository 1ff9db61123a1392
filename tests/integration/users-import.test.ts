import { and, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { claimJob, createJob, getJob, runJobChunk } from '@/core/jobs';
import { importJob, sweepStagedImportRows } from '@/core/users/import';
import { jobKinds } from '@/core/jobs/kinds';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { accounts, auditEvents, importRows, organizationMembers, users } from '@/db/schema';
import * as authRoute from '../../app/api/auth/[...all]/route';
import * as importRoute from '../../app/api/v1/users/import/route';
import * as userRoute from '../../app/api/v1/users/[id]/route';
import * as usersRoute from '../../app/api/v1/users/route';
import { fromClient } from '../support/client-ip';
import { truncateAll } from '../support/database';
import { seedOrganization } from '../support/organizations';
import { apiKeyFor, bearerFor, insertUser, systemPrincipal, type TestApiKey } from '../support/principals';
import made from '../fixtures/password-hashes/hashes.json';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const BASE = 'http://localhost:3000';
let db: Database;
let apiKey: TestApiKey;

const ndjson = (...records: unknown[]) => records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n');

function importUsers(body: BodyInit, { type = 'application/x-ndjson', query = '', headers = apiKey.headers }: { type?: string; query?: string; headers?: Record<string, string> } = {}) {
  const init: RequestInit & { duplex: 'half' } = { method: 'POST', body, headers: { 'content-type': type, ...headers }, duplex: 'half' };
  return importRoute.POST(new Request(`${BASE}/api/v1/users/import${query}`, init), { params: Promise.resolve({}) });
}

const lease = { leaseMs: 60_000 };

/** Runs every queued job to its end, as the server's runner would. */
async function runJobs() {
  for (let claimed = await claimJob(db, lease); claimed; claimed = await claimJob(db, lease)) while ((await runJobChunk(db, jobKinds, claimed, lease)) === 'more');
}

/** The import's job, once run: 202 with the job, then its outcome. */
async function imported(response: Response) {
  expect(response.status).toBe(202);
  const job = await response.json();
  expect(response.headers.get('location')).toBe(`${BASE}/api/v1/jobs/${job.id}`);
  expect(job).toMatchObject({ kind: 'users.import', status: 'queued' });
  await runJobs();
  return getJob({ db, principal: systemPrincipal() }, job.id);
}

const userEmails = async () => (await db.select({ email: users.email }).from(users).where(eq(users.role, 'member'))).map((row) => row.email).sort();
const createdEvents = async () => db.select().from(auditEvents).where(eq(auditEvents.action, 'user.created'));

beforeEach(async () => {
  db = (await getDatabase()).db;
  await truncateAll(db);
  apiKey = await apiKeyFor(db, ['users:write']);
});
afterEach(() => vi.unstubAllEnvs());

describe('POST /api/v1/users/import', () => {
  it('a dry run checks every row, reports the bad ones and writes nothing', async () => {
    const report = await imported(await importUsers(ndjson({ email: 'a@example.com' }, { email: 'not-an-email' }, '{broken', { email: 'b@example.com', role: 'wizard' }, { email: 'c@example.com' }), {
      query: '?dryRun=true',
    }));

    expect(report).toMatchObject({ status: 'succeeded', total: 5, processed: 5, succeeded: 2, failed: 3 });
    expect(report.errors).toEqual([
      expect.objectContaining({ line: 2, field: 'email', code: 'invalid_format' }),
      expect.objectContaining({ line: 3, code: 'invalid_json' }),
      expect.objectContaining({ line: 4, field: 'role', code: 'invalid_value' }),
    ]);
    expect(await userEmails()).toEqual([]);
    expect(await createdEvents()).toHaveLength(0);
    // The refused rows stay, as read, for the rejected-rows CSV (until the staging sweep); the good ones are gone.
    const kept = await db.select({ line: importRows.line, record: importRows.record }).from(importRows).orderBy(importRows.line);
    expect(kept).toEqual([
      { line: 2, record: { email: 'not-an-email' } },
      { line: 3, record: null },
      { line: 4, record: { email: 'b@example.com', role: 'wizard' } },
    ]);
  });

  it('refuses a NUL or an unpaired surrogate in externalId or metadata as a row error, and keeps such a row for the CSV', async () => {
    const report = await imported(await importUsers(JSON.stringify([
      { email: 'a@example.com', externalId: 'x\u0000y' },
      { email: 'b@example.com', metadata: { note: 'half \ud800' } },
      { email: 'c@example.com', metadata: { 'k\u0000': 1 }, unknown: 'n\u0000l' },
      { email: 'd@example.com', metadata: { fine: ['ok'] } },
    ]), { type: 'application/json' }));

    expect(report).toMatchObject({ status: 'succeeded', total: 4, succeeded: 1, failed: 3 });
    expect(report.errors).toEqual([
      expect.objectContaining({ line: 1, field: 'externalId', detail: expect.stringMatching(/NUL/) }),
      expect.objectContaining({ line: 2, field: 'metadata', detail: expect.stringMatching(/NUL or unpaired surrogate/) }),
      expect.objectContaining({ line: 3, field: 'metadata' }),
      expect.objectContaining({ line: 3, field: 'unknown', code: 'unknown_field' }),
    ]);
    expect(await userEmails()).toEqual(['d@example.com']);
    const kept = await db.select({ line: importRows.line, record: importRows.record }).from(importRows).orderBy(importRows.line);
    expect(kept.map((row) => row.record)).toEqual([
      { email: 'a@example.com', externalId: 'x\uFFFDy' },
      { email: 'b@example.com', metadata: { note: 'half \uFFFD' } },
      { email: 'c@example.com', metadata: { 'k\uFFFD': 1 }, unknown: 'n\uFFFDl' },
    ]);
  });

  it('imports the good rows around a bad one, each a user.created event, and reports existing addresses as duplicates', async () => {
    await imported(await importUsers(ndjson({ email: 'taken@example.com' })));

    const report = await imported(await importUsers(ndjson({ email: 'one@example.com', name: 'One', externalId: 'x-1', emailVerified: true, metadata: { plan: 'gold' } }, { email: 'bad', name: '' }, { email: 'Taken@example.com' }, { email: 'two@example.com' })));

    expect(report).toMatchObject({ total: 4, succeeded: 2, failed: 2 });
    expect(report.errors).toEqual([
      expect.objectContaining({ line: 2, field: 'email' }),
      expect.objectContaining({ line: 2, field: 'name' }),
      expect.objectContaining({ line: 3, field: 'email', code: 'conflict' }),
    ]);
    expect(await userEmails()).toEqual(['one@example.com', 'taken@example.com', 'two@example.com']);
    const [one] = await db.select().from(users).where(eq(users.email, 'one@example.com'));
    expect(one).toMatchObject({ name: 'One', externalId: 'x-1', emailVerified: true, metadata: { plan: 'gold' } });
    const events = await createdEvents();
    expect(events).toHaveLength(3);
    expect(events.filter((event) => event.data.jobId === report.id)).toHaveLength(2);
  });

  it('the user DTO carries what the import brought: externalId and metadata, in GET one and the list', async () => {
    await imported(await importUsers(ndjson({ email: 'carried@example.com', externalId: 'legacy-7', metadata: { tier: 'gold', seats: 3 } }, { email: 'plain@example.com' })));
    const reader = await apiKeyFor(db, ['users:read']);
    const [carried] = await db.select({ id: users.id }).from(users).where(eq(users.email, 'carried@example.com'));

    const one = await userRoute.GET(new Request(`${BASE}/api/v1/users/${carried!.id}`, { headers: reader.headers }), { params: Promise.resolve({ id: carried!.id }) });
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ email: 'carried@example.com', externalId: 'legacy-7', metadata: { tier: 'gold', seats: 3 } });

    const list = await usersRoute.GET(new Request(`${BASE}/api/v1/users?role=member`, { headers: reader.headers }), { params: Promise.resolve({}) });
    const page = (await list.json()) as { items: { email: string; externalId: string | null; metadata: unknown }[] };
    expect(page.items.map(({ email, externalId, metadata }) => ({ email, externalId, metadata })).sort((a, b) => a.email.localeCompare(b.email))).toEqual([
      { email: 'carried@example.com', externalId: 'legacy-7', metadata: { tier: 'gold', seats: 3 } },
      { email: 'plain@example.com', externalId: null, metadata: {} },
    ]);
  });

  it('upsert updates the user with the same externalId, else email, and creates the rest', async () => {
    await imported(await importUsers(ndjson({ email: 'old@example.com', externalId: 'x-1', name: 'Old' }, { email: 'by-email@example.com', name: 'Before' })));

    const report = await imported(
      await importUsers(ndjson({ email: 'new@example.com', externalId: 'x-1', name: 'Renamed' }, { email: 'by-email@example.com', name: 'After' }, { email: 'fresh@example.com' }), { query: '?mode=upsert' }),
    );

    expect(report).toMatchObject({ total: 3, succeeded: 3, failed: 0 });
    const rows = await db.select({ email: users.email, name: users.name, externalId: users.externalId, version: users.version }).from(users).where(eq(users.role, 'member'));
    expect(rows.sort((a, b) => a.email.localeCompare(b.email))).toEqual([
      { email: 'by-email@example.com', name: 'After', externalId: null, version: 2 },
      { email: 'fresh@example.com', name: 'fresh', externalId: null, version: 1 },
      { email: 'new@example.com', name: 'Renamed', externalId: 'x-1', version: 2 },
    ]);
    expect(await db.select().from(auditEvents).where(eq(auditEvents.action, 'user.updated'))).toHaveLength(2);
  });

  it('reads CSV (line numbers counted from the header) and a JSON array (positions)', async () => {
    const csv = 'email,name,emailVerified,metadata\nc1@example.com,"Doe, Jane",true,"{""a"":1}"\nnope,Bad,,\n';
    const csvReport = await imported(await importUsers(csv, { type: 'text/csv' }));
    expect(csvReport).toMatchObject({ total: 2, succeeded: 1, errors: [expect.objectContaining({ line: 3, field: 'email' })] });

    const jsonReport = await imported(await importUsers(JSON.stringify([{ email: 'j1@example.com' }, { email: 'j2@example.com', extra: 1 }]), { type: 'application/json' }));
    expect(jsonReport).toMatchObject({ total: 2, succeeded: 1, errors: [expect.objectContaining({ line: 2, field: 'extra', code: 'unknown_field' })] });

    const [jane] = await db.select().from(users).where(eq(users.email, 'c1@example.com'));
    expect(jane).toMatchObject({ name: 'Doe, Jane', emailVerified: true, metadata: { a: 1 } });
  });

  it('keeps a password hash the user then signs in with, and refuses unknown or too costly ones per row', async () => {
    const bcrypt = made.fixtures.find((fixture) => fixture.format === 'bcrypt $2y$')!;
    const report = await imported(
      await importUsers(ndjson({ email: 'hashed@example.com', passwordHash: bcrypt.hash }, { email: 'md5@example.com', passwordHash: 'md5$x' }, { email: 'slow@example.com', passwordHash: bcrypt.hash.replace('$10$', '$31$') })),
    );
    expect(report).toMatchObject({ succeeded: 1, failed: 2 });
    expect(report.errors.map((error) => [error.field, error.code])).toEqual([
      ['passwordHash', 'unknown_format'],
      ['passwordHash', 'cost_too_high'],
    ]);

    const signIn = await authRoute.POST(
      new Request(`${BASE}/api/auth/sign-in/email`, {
        method: 'POST',
        body: JSON.stringify({ email: 'hashed@example.com', password: bcrypt.password }),
        headers: { 'content-type': 'application/json', origin: BASE, ...fromClient('203.0.113.20') },
      }),
    );
    expect(signIn.status).toBe(200);
    const [account] = await db.select().from(accounts).where(eq(accounts.providerId, 'credential'));
    expect(account!.password).not.toBe(bcrypt.hash);
  });

  it('adds organization memberships, and refuses an unknown organization for that row only', async () => {
    const organization = await seedOrganization(db, 'acme', (await insertUser(db, 'viewer')).id);
    const report = await imported(
      await importUsers(ndjson({ email: 'm@example.com', organizationId: organization.id, organizationRole: 'admin' }, { email: 'lost@example.com', organizationId: '01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d1c' })),
    );

    expect(report).toMatchObject({ succeeded: 1, failed: 1, errors: [expect.objectContaining({ line: 2, field: 'organizationId' })] });
    expect(await userEmails()).toEqual(['m@example.com']);
    const [member] = await db.select().from(users).where(eq(users.email, 'm@example.com'));
    expect(await db.select({ role: organizationMembers.role }).from(organizationMembers).where(eq(organizationMembers.userId, member!.id))).toEqual([{ role: 'admin' }]);
    expect(await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'member.added'), eq(auditEvents.subjectId, member!.id)))).toHaveLength(1);
  });

  it('an admin can’t import admins: those rows are refused, the others imported', async () => {
    const admin = await bearerFor(db, 'admin');
    const report = await imported(await importUsers(ndjson({ email: 'boss@example.com', role: 'owner' }, { email: 'staff@example.com' }), { headers: admin.headers }));

    expect(report).toMatchObject({ succeeded: 1, failed: 1, errors: [expect.objectContaining({ line: 1, field: 'role', code: 'forbidden' })] });
  });

  it('streams a large upload in batches, and refuses what isn’t NDJSON, CSV or JSON', async () => {
    const rows = 600;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === rows) return controller.close();
        const chunk = Array.from({ length: 100 }, (_, i) => JSON.stringify({ email: `bulk${sent + i}@example.com`, metadata: { filler: 'x'.repeat(200) } })).join('\n') + '\n';
        sent += 100;
        controller.enqueue(new TextEncoder().encode(chunk));
      },
    });

    expect(await imported(await importUsers(body))).toMatchObject({ total: rows, succeeded: rows, failed: 0 });
    expect((await importUsers('x', { type: 'text/plain' })).status).toBe(415);
  });
});

describe('the staging sweep', () => {
  const HOUR = 60 * 60 * 1000;
  const stagedAt = async (ageMs: number) => {
    const uploadId = uuidv7({ msecs: Date.now() - ageMs });
    await db.insert(importRows).values([1, 2].map((line) => ({ uploadId, line, record: { email: `l${line}@example.com` } })));
    return uploadId;
  };
  const stagedUploads = async () => new Set((await db.select({ uploadId: importRows.uploadId }).from(importRows)).map((row) => row.uploadId));

  it('deletes the rows of a request that died before its job, once older than the limit; a queued job keeps its own', async () => {
    await stagedAt(25 * HOUR);
    const recent = await stagedAt(HOUR);
    const queued = await stagedAt(30 * HOUR);
    await db.transaction((tx) => createJob(tx, systemPrincipal(), importJob, { params: { uploadId: queued, mode: 'insert', dryRun: false, invite: false }, total: 2 }));

    expect(await sweepStagedImportRows(db, 24 * HOUR)).toBe(2);

    expect(await stagedUploads()).toEqual(new Set([recent, queued]));
    expect(await sweepStagedImportRows(db, 24 * HOUR)).toBe(0);
  });

  it('takes a finished job’s refused rows once they are older than the limit', async () => {
    await imported(await importUsers(ndjson({ email: 'fine@example.com' }, { email: 'nope' })));
    expect(await db.select().from(importRows)).toHaveLength(1);

    expect(await sweepStagedImportRows(db, 24 * HOUR)).toBe(0);
    expect(await sweepStagedImportRows(db, 24 * HOUR, new Date(Date.now() + 25 * HOUR))).toBe(1);
    expect(await db.select().from(importRows)).toHaveLength(0);
  });
});
