import 'server-only';
import { and, asc, desc, eq, lte } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database, Transaction } from '@/db/client';
import { mailOutbox, type MailRow } from '@/db/schema';
import { authorize } from '../authorization';
import { describeError } from '../error-message';
import { NotFound } from '../errors';
import type { CoreContext } from '../principal';
import { isUuid } from '../validation';
import { renderMail, type MailKind } from './templates';

/** One message as a transport sends it. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Delivers one message or throws; null when no mail server is configured (messages are then kept for owners). */
export type MailSender = ((message: OutgoingMail) => Promise<void>) | null;

/**
 * Queues an email in the caller's transaction, so it exists if and only if the change that causes it commits.
 * The mailer sends it afterwards.
 */
export async function enqueueMail(tx: Transaction, mail: { kind: MailKind; to: string; link?: string }): Promise<string> {
  const rendered = renderMail(mail.kind, mail.link);
  const id = uuidv7();
  await tx.insert(mailOutbox).values({
    id,
    kind: mail.kind,
    recipient: mail.to,
    subject: rendered.subject,
    textBody: rendered.text,
    htmlBody: rendered.html,
  });
  return id;
}

export interface MailRetryPolicy {
  maxAttempts: number;
  /** Delay before retry n (1-based): baseDelayMs * 2^(n-1), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** About an hour and a half of retries: a mail server restarting or briefly refusing doesn't lose a message. */
export const defaultMailRetryPolicy: MailRetryPolicy = { maxAttempts: 8, baseDelayMs: 15_000, maxDelayMs: 30 * 60_000 };

export type MailOutcome = 'sent' | 'kept' | 'retrying' | 'failed' | 'skipped';

interface ProcessOptions {
  policy?: MailRetryPolicy;
  now?: () => Date;
}

/**
 * Sends one pending message at most once at a time: a row lock (SKIP LOCKED) keeps two mailers (or two
 * instances) off the same row, and its new status commits with the attempt. Once sent (or given up on) the
 * bodies, which carry the link, are cleared. Without a sender the message is marked kept, body and all.
 */
export async function processMail(db: Database, id: string, sender: MailSender, { policy = defaultMailRetryPolicy, now = () => new Date() }: ProcessOptions = {}): Promise<MailOutcome> {
  return db.transaction(async (tx) => {
    const [mail] = await tx
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, 'pending')))
      .for('update', { skipLocked: true });
    if (!mail) return 'skipped';
    if (!sender) {
      await tx.update(mailOutbox).set({ status: 'kept' }).where(eq(mailOutbox.id, id));
      return 'kept';
    }
    const attempts = mail.attempts + 1;
    try {
      await sender({ to: mail.recipient, subject: mail.subject, text: mail.textBody ?? '', html: mail.htmlBody ?? '' });
    } catch (error) {
      const giveUp = attempts >= policy.maxAttempts;
      const delay = Math.min(policy.baseDelayMs * 2 ** (attempts - 1), policy.maxDelayMs);
      await tx
        .update(mailOutbox)
        .set({
          attempts,
          lastError: describeError(error),
          ...(giveUp ? { status: 'failed', textBody: null, htmlBody: null } : { nextAttemptAt: new Date(now().getTime() + delay) }),
        })
        .where(eq(mailOutbox.id, id));
      return giveUp ? 'failed' : 'retrying';
    }
    await tx.update(mailOutbox).set({ status: 'sent', attempts, lastError: null, sentAt: now(), textBody: null, htmlBody: null }).where(eq(mailOutbox.id, id));
    return 'sent';
  });
}

/** The mailer's pass: every pending message that is due, oldest first, up to `limit`. */
export async function processDueMail(db: Database, sender: MailSender, options: ProcessOptions & { limit?: number } = {}): Promise<{ id: string; recipient: string; kind: MailKind; outcome: MailOutcome }[]> {
  const now = options.now ?? (() => new Date());
  const due = await db
    .select({ id: mailOutbox.id, recipient: mailOutbox.recipient, kind: mailOutbox.kind })
    .from(mailOutbox)
    .where(and(eq(mailOutbox.status, 'pending'), lte(mailOutbox.nextAttemptAt, now())))
    .orderBy(asc(mailOutbox.createdAt), asc(mailOutbox.id))
    .limit(options.limit ?? 50);
  const results = [];
  for (const mail of due) results.push({ ...mail, outcome: await processMail(db, mail.id, sender, { ...options, now }) });
  return results;
}

/** A row of the console's Email log: who, what and how it went. Never the body, so never a link or token. */
export interface MailDto {
  id: string;
  kind: MailKind;
  recipient: string;
  status: MailRow['status'];
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

const toMailDto = (row: Pick<MailRow, keyof MailDto | 'createdAt' | 'sentAt'>): MailDto => ({
  id: row.id,
  kind: row.kind,
  recipient: row.recipient,
  status: row.status,
  attempts: row.attempts,
  lastError: row.lastError,
  createdAt: row.createdAt.toISOString(),
  sentAt: row.sentAt?.toISOString() ?? null,
});

/** Newest first. */
export async function listMail({ db, principal }: CoreContext, { limit = 100 }: { limit?: number } = {}): Promise<MailDto[]> {
  authorize(principal, 'mail:read');
  const rows = await db
    .select()
    .from(mailOutbox)
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(Math.min(Math.max(limit, 1), 500));
  return rows.map(toMailDto);
}

/**
 * A message that was kept because no mail server is configured, with its body (and so its link): owners only,
 * since a reset link in it is as good as the account it resets.
 */
export async function readKeptMail({ db, principal }: CoreContext, id: string): Promise<MailDto & { subject: string; text: string; html: string }> {
  authorize(principal, 'mail:read-kept');
  if (!isUuid(id)) throw new NotFound('Email');
  const [row] = await db
    .select()
    .from(mailOutbox)
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, 'kept')));
  if (!row) throw new NotFound('Email');
  return { ...toMailDto(row), subject: row.subject, text: row.textBody ?? '', html: row.htmlBody ?? '' };
}
