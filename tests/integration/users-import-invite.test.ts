import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetPassword } from '@/core/accounts/password-reset';
import { processDueMail } from '@/core/mail';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents, mailOutbox, users } from '@/db/schema';
import { mailConfigFromEnv, smtpSender } from '@/mail/smtp';
import { truncateAll } from '../support/database';
import { apiKeyFor, type TestApiKey } from '../support/principals';
import { linksIn, recipients, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { imported, ndjson, postImport } from '../support/users-import';
import made from '../fixtures/password-hashes/hashes.json';

// ?invite=true: imported users without a password hash get a set-password link by email, queued in the mail outbox
// with the import and delivered by the mailer (here over real SMTP); users who brought a hash get nothing.

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

let db: Database;
let apiKey: TestApiKey;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());
beforeEach(async () => {
  db = (await getDatabase()).db;
  await truncateAll(db);
  apiKey = await apiKeyFor(db, ['users:write']);
});

const sendQueuedMail = () => processDueMail(db, smtpSender(mailConfigFromEnv({ ROSTER_SMTP_URL: smtp.url })!));
const bcrypt = made.fixtures.find((fixture) => fixture.format.startsWith('bcrypt'))!;

describe('POST /api/v1/users/import?invite=true', () => {
  it('emails each new user without a password hash a link that sets one, and nobody else', async () => {
    const before = smtp.messages.length;
    const report = await imported(
      db,
      await postImport(ndjson({ email: 'invited@example.com' }, { email: 'hashed@example.com', passwordHash: bcrypt.hash }, { email: 'not-an-email' }), {
        query: '?invite=true',
        headers: apiKey.headers,
      }),
    );
    expect(report).toMatchObject({ status: 'succeeded', succeeded: 2, failed: 1 });

    const sent = await sendQueuedMail();
    expect(sent).toEqual([expect.objectContaining({ recipient: 'invited@example.com', kind: 'password-reset', outcome: 'sent' })]);
    const message = await smtp.waitFor('invited@example.com', { after: before });
    expect(smtp.messages.slice(before).flatMap(recipients)).toEqual(['invited@example.com']);
    const token = /\/reset-password\/([A-Za-z0-9_-]+)$/.exec(linksIn(message).text ?? '')?.[1];
    expect(token, `a set-password link in: ${message.text}`).toBeDefined();

    const [invited] = await db.select().from(users).where(eq(users.email, 'invited@example.com'));
    expect(await resetPassword(db, token, 'a brand new password 42')).toEqual({ userId: invited!.id, email: 'invited@example.com' });
    const events = await db.select().from(auditEvents).where(eq(auditEvents.action, 'user.password-reset-sent'));
    expect(events.map((event) => event.subjectId)).toEqual([invited!.id]);
  });

  it('sends nothing without the option', async () => {
    const report = await imported(db, await postImport(ndjson({ email: 'quiet@example.com' }), { headers: apiKey.headers }));
    expect(report).toMatchObject({ status: 'succeeded', succeeded: 1 });
    expect(await db.select().from(mailOutbox)).toEqual([]);
  });
});
