import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInvitation } from '@/core/invitations';
import { getDatabase } from '@/db';
import { mailOutbox } from '@/db/schema';
import { logger } from '@/lib/logger';
import { startMailer } from '@/server/mailer';
import { truncateAll } from '../support/database';
import { systemPrincipal } from '../support/principals';
import { unlimitedMail } from '../support/send-limits';
import { startSmtpServer, startStalledSmtpServer, type TestSmtpServer } from '../support/smtp';

// The background mailer as `npm start` runs it (src/server/on-start.ts): with a mail server it sends, without one
// it keeps each message for owners and says so in the server log, never with the link.

let smtp: TestSmtpServer;
let stop: (() => Promise<void>) | undefined;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());
beforeEach(async () => truncateAll((await getDatabase()).db));
afterEach(async () => {
  await stop?.();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

async function invite(email: string) {
  const { db } = await getDatabase();
  await createInvitation({ db, principal: systemPrincipal() }, { email }, unlimitedMail);
  const [row] = await db.select().from(mailOutbox).where(eq(mailOutbox.recipient, email));
  return { db, row: row!, token: /\/invite\/(\S+)/.exec(row!.textBody!)![1]! };
}

async function statusOf(id: string) {
  const { db } = await getDatabase();
  return (await db.select({ status: mailOutbox.status }).from(mailOutbox).where(eq(mailOutbox.id, id)))[0]!.status;
}

describe('the mailer', () => {
  it('sends queued mail through ROSTER_SMTP_URL', async () => {
    vi.stubEnv('ROSTER_SMTP_URL', smtp.url);
    const { row } = await invite('sent-by-mailer@example.com');
    const before = smtp.messages.length;
    stop = startMailer(20);
    const message = await smtp.waitFor('sent-by-mailer@example.com', { after: before });
    expect(message.subject).toBe('You are invited to Roster');
    await expect.poll(() => statusOf(row.id)).toBe('sent');
  });

  it('without a mail server, keeps the message and logs where an owner can read it, without the link', async () => {
    vi.stubEnv('ROSTER_SMTP_URL', '');
    const warn = vi.spyOn(logger, 'warn');
    const { row, token } = await invite('kept-by-mailer@example.com');
    stop = startMailer(20);
    await expect.poll(() => statusOf(row.id)).toBe('kept');
    await expect.poll(() => warn.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('ROSTER_SMTP_URL is not set: no email is sent.'));
    expect(warn).toHaveBeenCalledWith(
      { kind: 'invitation', to: 'kept-by-mailer@example.com', at: `http://localhost:3000/email/${row.id}` },
      'email kept, not sent (no SMTP server configured): an owner can open it in the console',
    );
    expect(JSON.stringify(warn.mock.calls)).not.toContain(token);
  });

  it('stopping while a hung mail server holds a send waits for that send alone; the other messages stay queued, unclaimed', async () => {
    const stalled = await startStalledSmtpServer();
    try {
      vi.stubEnv('ROSTER_SMTP_URL', `${stalled.url}&greetingTimeout=5000`);
      const queued = [];
      for (const email of ['hung-1@example.com', 'hung-2@example.com', 'hung-3@example.com']) queued.push((await invite(email)).row);
      stop = startMailer(60_000);
      await stalled.waitForConnection({ after: 0 });
      await stop();
      stop = undefined;

      const { db } = await getDatabase();
      const rows = await db.select().from(mailOutbox).orderBy(mailOutbox.createdAt);
      expect(rows.map(({ recipient, status, attempts, leaseToken }) => ({ recipient, status, attempts, leaseToken }))).toEqual([
        { recipient: 'hung-1@example.com', status: 'pending', attempts: 1, leaseToken: null },
        { recipient: 'hung-2@example.com', status: 'pending', attempts: 0, leaseToken: null },
        { recipient: 'hung-3@example.com', status: 'pending', attempts: 0, leaseToken: null },
      ]);
      expect(rows[0]!.lastError).toMatch(/Greeting never received/);
      expect(stalled.connections()).toBe(1);
    } finally {
      await stalled.close();
    }
  });
});
