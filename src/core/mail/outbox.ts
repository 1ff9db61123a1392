import 'server-only';
import { and, asc, desc, eq, isNull, lt, lte, or } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database, Transaction } from '@/db/client';
import { mailOutbox, type MailRow } from '@/db/schema';
import { authorize } from '../authorization';
import { describeError } from '../error-message';
import { NotFound } from '../errors';
import type { CoreContext } from '../principal';
import { isUuid } from '../validation';
import { renderMail, type MailKind, type OrganizationInvitationWording } from './templates';

/** One message as a transport sends it. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Delivers messages; none when no mail server is configured (messages are then kept for owners). */
export interface MailSender {
  /** Resolves once the server accepted the message; throws otherwise. */
  send(message: OutgoingMail): Promise<void>;
  /** How long one send can hang before the transport's own timeouts end it (the lease on a message outlasts it). */
  maxSendMs: number;
}

/**
 * Queues an email in the caller's transaction, so it exists if and only if the change that causes it commits.
 * The mailer sends it afterwards.
 */
export async function enqueueMail(tx: Transaction, mail: { kind: MailKind; to: string; link?: string; organizationInvitation?: OrganizationInvitationWording }): Promise<string> {
  const rendered = renderMail(mail.kind, mail.link, mail.organizationInvitation);
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

/** `lost-lease`: the mailer held the message past its lease and another took it over, so this one recorded nothing. */
export type MailOutcome = 'sent' | 'kept' | 'retrying' | 'failed' | 'lost-lease';

interface ProcessOptions {
  policy?: MailRetryPolicy;
  now?: () => Date;
}

/** Beyond the longest send: a mailer that crashed (or stalled) mid-send loses its messages to another after this. */
const leaseMarginMs = 60_000;

/** A message this mailer holds, with the lease token that proves it. */
type ClaimedMail = MailRow & { leaseToken: string };

/**
 * Leases the oldest due message that nobody holds (or whose holder's lease ran out) to this mailer, in one
 * statement, so no transaction stays open while it is sent. SKIP LOCKED keeps mailers claiming at the same time
 * (several instances) off each other's row, and the lease keeps them off it afterwards.
 */
async function claimNextMail(db: Database, at: Date, leaseMs: number): Promise<ClaimedMail | undefined> {
  const claimable = and(
    eq(mailOutbox.status, 'pending'),
    lte(mailOutbox.nextAttemptAt, at),
    or(isNull(mailOutbox.leaseExpiresAt), lt(mailOutbox.leaseExpiresAt, at)),
  );
  const next = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(claimable)
    .orderBy(asc(mailOutbox.createdAt), asc(mailOutbox.id))
    .limit(1)
    .for('update', { skipLocked: true });
  const [mail] = await db
    .update(mailOutbox)
    .set({ leaseToken: uuidv7(), leaseExpiresAt: new Date(at.getTime() + leaseMs) })
    // `=` a scalar subquery runs it once; under `IN` the planner may rescan it per row and lease every due message.
    .where(and(eq(mailOutbox.id, next), claimable))
    .returning();
  return mail as ClaimedMail | undefined;
}

/** Records what became of a claimed message and gives up the lease: nothing, if another mailer has taken it over. */
async function recordOutcome(db: Database, mail: ClaimedMail, changes: Partial<MailRow>): Promise<boolean> {
  const recorded = await db
    .update(mailOutbox)
    .set({ ...changes, leaseToken: null, leaseExpiresAt: null })
    .where(and(eq(mailOutbox.id, mail.id), eq(mailOutbox.leaseToken, mail.leaseToken)))
    .returning({ id: mailOutbox.id });
  return recorded.length > 0;
}

/**
 * Sends one claimed message, outside any transaction: a slow mail server holds no connection, lock or row, only the
 * lease. Once sent (or given up on) the bodies, which carry the link, are cleared. Without a sender the message is
 * marked kept, body and all.
 */
async function deliverClaimedMail(db: Database, mail: ClaimedMail, sender: MailSender | null, { policy, now }: Required<ProcessOptions>): Promise<MailOutcome> {
  const record = async (outcome: MailOutcome, changes: Partial<MailRow>) => ((await recordOutcome(db, mail, changes)) ? outcome : 'lost-lease');
  if (!sender) return record('kept', { status: 'kept' });
  const attempts = mail.attempts + 1;
  try {
    await sender.send({ to: mail.recipient, subject: mail.subject, text: mail.textBody ?? '', html: mail.htmlBody ?? '' });
  } catch (error) {
    if (attempts >= policy.maxAttempts) return record('failed', { status: 'failed', attempts, lastError: describeError(error), textBody: null, htmlBody: null });
    const delay = Math.min(policy.baseDelayMs * 2 ** (attempts - 1), policy.maxDelayMs);
    return record('retrying', { attempts, lastError: describeError(error), nextAttemptAt: new Date(now().getTime() + delay) });
  }
  return record('sent', { status: 'sent', attempts, lastError: null, sentAt: now(), textBody: null, htmlBody: null });
}

/**
 * The mailer's pass: pending messages that are due, oldest first, up to `limit`, each claimed, sent and recorded
 * in turn, so a message waits for its send only while it is actually being sent. Once `signal` aborts (shutdown),
 * it claims nothing more: the send under way ends by its timeouts, the rest wait for the next pass.
 */
export async function processDueMail(
  db: Database,
  sender: MailSender | null,
  { policy = defaultMailRetryPolicy, now = () => new Date(), limit = 50, signal }: ProcessOptions & { limit?: number; signal?: AbortSignal } = {},
): Promise<{ id: string; recipient: string; kind: MailKind; outcome: MailOutcome }[]> {
  const leaseMs = (sender?.maxSendMs ?? 0) + leaseMarginMs;
  const results = [];
  while (results.length < limit && !signal?.aborted) {
    const mail = await claimNextMail(db, now(), leaseMs);
    if (!mail) break;
    results.push({ id: mail.id, recipient: mail.recipient, kind: mail.kind, outcome: await deliverClaimedMail(db, mail, sender, { policy, now }) });
  }
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
