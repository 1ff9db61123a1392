import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUserAction } from '../../app/(console)/users/actions';
import * as usersRoute from '../../app/api/v1/users/route';
import { idleState } from '@/actions/action-state';
import { enqueueMail, processDueMail } from '@/core/mail';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { mailOutbox, users } from '@/db/schema';
import { mailConfigFromEnv, smtpSender } from '@/mail/smtp';
import { formData, redirectTarget } from '../support/actions';
import { describeOnDatabase, truncateAll } from '../support/database';
import { apiKeyFor, consoleRequestHeaders, signInConsoleAs } from '../support/principals';
import { startStalledSmtpServer, type StalledSmtpServer } from '../support/smtp';

// A mail server that accepts the connection and then says nothing. The mailer sends outside any transaction, so
// while it waits the embedded database (one connection, one lock) keeps serving the API and the console, and
// PostgreSQL has no connection of Roster's in a transaction and no row locked; the send then ends by nodemailer's
// greeting timeout and the message waits for its retry, its lease given up. The timeout is long enough that the
// requests made meanwhile finish well before it (a hang guard, not a measurement); under the old design, which sent
// inside a transaction, they could only finish after it.

vi.mock('next/cache', () => ({ updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn(), refresh: vi.fn() }));
vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders() }));

let stalled: StalledSmtpServer;
beforeAll(async () => {
  stalled = await startStalledSmtpServer();
});
afterAll(() => stalled.close());

const greetingTimeoutMs = 5_000;

/** Queues one message and starts a mailer pass against the stalled server; resolves once the server has the connection. */
async function startStalledPass(db: Database) {
  const id = await db.transaction((tx) => enqueueMail(tx, { kind: 'invitation', to: 'waiting@example.com', link: 'http://localhost:3000/invite/x' }));
  const before = stalled.connections();
  const sender = smtpSender(mailConfigFromEnv({ ROSTER_SMTP_URL: `${stalled.url}&greetingTimeout=${greetingTimeoutMs}` })!);
  const started = new Date();
  const state = { settled: false };
  const pass = processDueMail(db, sender).finally(() => (state.settled = true));
  await stalled.waitForConnection({ after: before });
  return { id, pass, state, started };
}

/** The pass ended by the greeting timeout: one attempt recorded, a retry scheduled, the lease given up. */
async function expectRetryScheduled(db: Database, { id, pass, started }: Awaited<ReturnType<typeof startStalledPass>>) {
  expect(await pass).toEqual([{ id, recipient: 'waiting@example.com', kind: 'invitation', outcome: 'retrying' }]);
  const [row] = await db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  expect(row).toMatchObject({ status: 'pending', attempts: 1, leaseToken: null, leaseExpiresAt: null, lastError: expect.stringMatching(/Greeting never received/) });
  expect(row!.textBody).toContain('/invite/x');
  expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(started.getTime() + greetingTimeoutMs);
}

describe('a stalled mail server, on the embedded database [pglite]', () => {
  it('holds up neither the API nor the console while the mailer waits on it', async () => {
    const { db } = await getDatabase();
    await truncateAll(db);
    const admin = await signInConsoleAs('admin');
    const key = await apiKeyFor(db, ['users:read']);
    const stuck = await startStalledPass(db);

    const listed = await usersRoute.GET(new Request('http://localhost:3000/api/v1/users', { headers: key.headers }), { params: Promise.resolve({}) });
    expect(listed.status).toBe(200);
    expect((await listed.json()).items.map((user: { id: string }) => user.id)).toEqual([admin.userId]);
    const target = await redirectTarget(() => createUserAction(idleState, formData({ email: 'meanwhile@example.com', name: 'Meanwhile', role: 'member', status: 'active' })));
    expect(target).toMatch(/^\/users\/[0-9a-f-]{36}\?created=1$/);
    expect(await db.select({ email: users.email }).from(users).where(eq(users.email, 'meanwhile@example.com'))).toHaveLength(1);
    expect(stuck.state.settled).toBe(false);

    await expectRetryScheduled(db, stuck);
  });
});

describeOnDatabase('postgres', 'a stalled mail server', (db) => {
  it('holds no connection in a transaction and no row lock while the mailer waits on it', async () => {
    const stuck = await startStalledPass(db());

    const inTransaction = sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`;
    expect(((await db().execute(inTransaction)) as unknown as { rows: { n: number }[] }).rows).toEqual([{ n: 0 }]);
    // The message is held by its lease alone: another transaction locks the row at once (NOWAIT fails otherwise).
    const [leased] = await db().transaction((tx) => tx.select().from(mailOutbox).where(eq(mailOutbox.id, stuck.id)).for('update', { noWait: true }));
    expect(leased).toMatchObject({ status: 'pending', attempts: 0, leaseToken: expect.any(String) });
    expect(leased!.leaseExpiresAt!.getTime()).toBeGreaterThan(stuck.started.getTime() + 50_000);
    expect(stuck.state.settled).toBe(false);

    await expectRetryScheduled(db(), stuck);
  });
});
