import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMail, listMail, processDueMail, readKeptMail, renderMail, type MailSender } from '@/core/mail';
import { mailOutbox } from '@/db/schema';
import { mailConfigFromEnv, smtpSender } from '@/mail/smtp';
import { describeEachDatabase } from '../support/database';
import { principalFor } from '../support/principals';
import { linksIn, recipients, startSmtpServer, type TestSmtpServer } from '../support/smtp';

// The outbox end to end: queued in the caller's transaction, sent over SMTP (STARTTLS + AUTH) by nodemailer to a
// server the test runs, retried with backoff, leased to one mailer at a time (never sent twice), and kept for owners
// when no server is configured. A server that hangs: mail-stalled-server.test.ts.

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());
afterEach(() => smtp.refuseNext(0));

const sender = () => smtpSender(mailConfigFromEnv({ ROSTER_SMTP_URL: smtp.url, ROSTER_MAIL_FROM: 'Roster <no-reply@roster.test>' })!);
const link = 'http://localhost:3000/invite/abc';

describe('mail configuration', () => {
  it('is off without ROSTER_SMTP_URL, requires STARTTLS on smtp:// unless the URL says otherwise, and refuses other schemes', () => {
    const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
    expect(mailConfigFromEnv({})).toBeNull();
    expect(mailConfigFromEnv({ ROSTER_SMTP_URL: 'smtp://u:p@mail.example:587' })).toEqual({ smtpUrl: 'smtp://u:p@mail.example:587?requireTLS=true', from: 'Roster <roster@mail.example>', timeouts });
    expect(mailConfigFromEnv({ ROSTER_SMTP_URL: 'smtp://mail.example:1025?requireTLS=false' })!.smtpUrl).toBe('smtp://mail.example:1025?requireTLS=false');
    expect(mailConfigFromEnv({ ROSTER_SMTP_URL: 'smtps://mail.example', ROSTER_MAIL_FROM: 'Ops <ops@example.com>' })).toEqual({ smtpUrl: 'smtps://mail.example', from: 'Ops <ops@example.com>', timeouts });
    expect(() => mailConfigFromEnv({ ROSTER_SMTP_URL: 'http://mail.example' })).toThrow(/smtp:\/\/ or smtps:\/\//);
  });

  it('bounds every send by connect, greeting and socket timeouts, which the URL may change', () => {
    const config = mailConfigFromEnv({ ROSTER_SMTP_URL: 'smtps://mail.example?greetingTimeout=2500&socketTimeout=5000' })!;
    expect(config.timeouts).toEqual({ connectionTimeout: 10_000, greetingTimeout: 2500, socketTimeout: 5000 });
    expect(smtpSender(config).maxSendMs).toBe(17_500);
    expect(() => mailConfigFromEnv({ ROSTER_SMTP_URL: 'smtps://mail.example?socketTimeout=0' })).toThrow(/socketTimeout must be a whole number/);
    expect(() => mailConfigFromEnv({ ROSTER_SMTP_URL: 'smtps://mail.example?connectionTimeout=soon' })).toThrow(/connectionTimeout must be a whole number/);
  });

  it('templates say the product name and the link, in text and HTML, and nothing else', () => {
    const mail = renderMail('password-reset', 'http://localhost:3000/reset-password/t<o>k');
    expect(mail.subject).toBe('Reset your Roster password');
    expect(mail.text).toBe(
      "Someone asked to reset the password of your Roster account. If it wasn't you, ignore this email.\n\nChoose a new password: http://localhost:3000/reset-password/t<o>k\n\nThe link works once, for 30 minutes.\n\n— Roster",
    );
    expect(mail.html).toContain('<a href="http://localhost:3000/reset-password/t&lt;o&gt;k">Choose a new password</a>');
    expect(mail.html).not.toMatch(/<img|<script|style=/);
    expect(() => renderMail('invitation')).toThrow(/needs a link/);
  });
});

describeEachDatabase('mail outbox', (db) => {
  const queue = (to: string, kind: 'invitation' | 'password-reset' = 'invitation') => db().transaction((tx) => enqueueMail(tx, { kind, to, link }));

  it('sends what committed, over SMTP, in text and HTML, then forgets the body (and so the link)', async () => {
    const id = await queue('Ada@Example.com');
    const before = smtp.messages.length;
    expect(await processDueMail(db(), sender())).toEqual([{ id, recipient: 'Ada@Example.com', kind: 'invitation', outcome: 'sent' }]);

    const message = await smtp.waitFor('ada@example.com', { after: before });
    expect(message.subject).toBe('You are invited to Roster');
    expect(message.from?.value).toEqual([{ name: 'Roster', address: 'no-reply@roster.test' }]);
    expect(linksIn(message)).toEqual({ text: link, html: link });
    const [row] = await db().select().from(mailOutbox).where(eq(mailOutbox.id, id));
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null, textBody: null, htmlBody: null, leaseToken: null, leaseExpiresAt: null });
    expect(row!.sentAt).toBeInstanceOf(Date);
    // Nothing left to send.
    expect(await processDueMail(db(), sender())).toEqual([]);
  });

  it('queues nothing when the change that caused the mail rolls back', async () => {
    await expect(
      db().transaction(async (tx) => {
        await enqueueMail(tx, { kind: 'invitation', to: 'rolled@example.com', link });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await db().select().from(mailOutbox)).toEqual([]);
  });

  it('retries a refused message with backoff, then gives up and clears the body', async () => {
    const id = await queue('flaky@example.com');
    const start = new Date();
    const policy = { maxAttempts: 3, baseDelayMs: 10_000, maxDelayMs: 60_000 };
    smtp.refuseNext(1);
    expect((await processDueMail(db(), sender(), { policy, now: () => start }))[0]!.outcome).toBe('retrying');
    let [row] = await db().select().from(mailOutbox).where(eq(mailOutbox.id, id));
    expect(row).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: new Date(start.getTime() + 10_000), leaseToken: null, leaseExpiresAt: null });
    expect(row!.lastError).toMatch(/451/);
    // Not due yet.
    expect(await processDueMail(db(), sender(), { policy, now: () => new Date(start.getTime() + 9_999) })).toEqual([]);

    const before = smtp.messages.length;
    expect((await processDueMail(db(), sender(), { policy, now: () => new Date(start.getTime() + 10_000) }))[0]!.outcome).toBe('sent');
    await smtp.waitFor('flaky@example.com', { after: before });
    [row] = await db().select().from(mailOutbox).where(eq(mailOutbox.id, id));
    expect(row).toMatchObject({ status: 'sent', attempts: 2, lastError: null });

    const doomed = await queue('doomed@example.com');
    smtp.refuseNext(3);
    let now = Date.now() + 1000;
    const outcomes = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      outcomes.push((await processDueMail(db(), sender(), { policy, now: () => new Date(now) }))[0]!.outcome);
      now += 60_000;
    }
    expect(outcomes).toEqual(['retrying', 'retrying', 'failed']);
    [row] = await db().select().from(mailOutbox).where(eq(mailOutbox.id, doomed));
    expect(row).toMatchObject({ status: 'failed', attempts: 3, textBody: null, htmlBody: null });
  });

  it('never sends a message twice, however many mailers run at once', async () => {
    const addresses = Array.from({ length: 6 }, (_, i) => `parallel-${i}-${Date.now()}@example.com`);
    for (const address of addresses) await queue(address);
    const before = smtp.messages.length;
    const passes = await Promise.all([processDueMail(db(), sender()), processDueMail(db(), sender()), processDueMail(db(), sender())]);
    const sent = passes.flat().filter((result) => result.outcome === 'sent');
    expect(sent.map((result) => result.recipient).sort()).toEqual([...addresses].sort());
    for (const address of addresses) await smtp.waitFor(address, { after: before });
    const received = smtp.messages.slice(before).flatMap(recipients);
    expect(received.sort()).toEqual([...addresses].sort());
  });

  it('leases a message to one mailer while it sends; another takes it over once the lease runs out, and the late one records nothing', async () => {
    const id = await queue('taken-over@example.com');
    const start = new Date();
    let finishSend: (() => void) | undefined;
    const hung: MailSender = { maxSendMs: 5_000, send: () => new Promise<void>((resolve) => (finishSend = resolve)) };
    const late = processDueMail(db(), hung, { now: () => start });
    await expect.poll(() => finishSend).toBeDefined();
    const [held] = await db().select().from(mailOutbox).where(eq(mailOutbox.id, id));
    expect(held).toMatchObject({ status: 'pending', attempts: 0, leaseToken: expect.any(String), leaseExpiresAt: new Date(start.getTime() + 5_000 + 60_000) });
    // Held: nobody else sends it meanwhile.
    expect(await processDueMail(db(), sender(), { now: () => start })).toEqual([]);

    // The holder seems to have crashed: once its lease has run out, another mailer sends the message.
    const before = smtp.messages.length;
    const afterLease = new Date(held!.leaseExpiresAt!.getTime() + 1);
    expect(await processDueMail(db(), sender(), { now: () => afterLease })).toEqual([{ id, recipient: 'taken-over@example.com', kind: 'invitation', outcome: 'sent' }]);
    await smtp.waitFor('taken-over@example.com', { after: before });

    finishSend!();
    expect(await late).toEqual([{ id, recipient: 'taken-over@example.com', kind: 'invitation', outcome: 'lost-lease' }]);
    const [row] = await db().select().from(mailOutbox).where(eq(mailOutbox.id, id));
    expect(row).toMatchObject({ status: 'sent', attempts: 1, leaseToken: null, leaseExpiresAt: null, textBody: null });
  });

  it('without a mail server keeps the message for owners; the log shows no body to anyone', async () => {
    const id = await queue('kept@example.com', 'password-reset');
    expect((await processDueMail(db(), null))[0]!.outcome).toBe('kept');

    const admin = await principalFor(db(), 'admin');
    const owner = await principalFor(db(), 'owner');
    expect(await listMail({ db: db(), principal: admin })).toEqual([
      { id, kind: 'password-reset', recipient: 'kept@example.com', status: 'kept', attempts: 0, lastError: null, createdAt: expect.any(String), sentAt: null },
    ]);
    await expect(readKeptMail({ db: db(), principal: admin }, id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(listMail({ db: db(), principal: await principalFor(db(), 'viewer') })).rejects.toMatchObject({ code: 'forbidden' });
    const kept = await readKeptMail({ db: db(), principal: owner }, id);
    expect(kept.text).toContain(link);
    expect(kept.subject).toBe('Reset your Roster password');
    await expect(readKeptMail({ db: db(), principal: owner }, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
  });
});
