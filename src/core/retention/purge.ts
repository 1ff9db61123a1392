import 'server-only';
import { and, inArray, isNotNull, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '@/db/client';
import { accountTokens, invitations, mailOutbox, webhookDeliveries, webhookEvents } from '@/db/schema';
import { purgeExpiredIdempotencyKeys } from '../idempotency';
import type { RetentionPolicy } from './policy';

const dayMs = 24 * 60 * 60 * 1000;
/** Rows per delete: each batch is its own short statement, so a large backlog never holds locks for long. */
const batchSize = 1_000;

/** What one purge deleted, per kind of record. */
export type PurgeCounts = Record<keyof RetentionPolicy | 'idempotencyKeys', number>;

/**
 * Deletes every record past its retention (see RetentionPolicy): only records that are done with (a delivery or
 * Stripe event still pending, an email still queued, an invitation still open are kept whatever their age). Safe on
 * several instances at once: each batch deletes what it finds, and a row deleted twice is simply not counted twice.
 */
export async function purgeExpiredRecords(db: Database, policy: RetentionPolicy, now = new Date()): Promise<PurgeCounts> {
  const before = (days: number) => new Date(now.getTime() - days * dayMs);
  const deliveriesBefore = before(policy.webhookDeliveries);
  const stripeBefore = before(policy.stripeEvents);
  const mailBefore = before(policy.mail);
  const tokensBefore = before(policy.accountTokens);
  const invitationsBefore = before(policy.invitations);
  return {
    webhookDeliveries: await deleteInBatches(
      db,
      webhookDeliveries,
      webhookDeliveries.id,
      and(inArray(webhookDeliveries.status, ['succeeded', 'failed']), lt(webhookDeliveries.createdAt, deliveriesBefore))!,
    ),
    stripeEvents: await deleteInBatches(
      db,
      webhookEvents,
      webhookEvents.id,
      and(inArray(webhookEvents.status, ['processed', 'ignored', 'failed']), lt(webhookEvents.receivedAt, stripeBefore))!,
    ),
    mail: await deleteInBatches(db, mailOutbox, mailOutbox.id, and(inArray(mailOutbox.status, ['sent', 'failed', 'kept']), lt(mailOutbox.createdAt, mailBefore))!),
    accountTokens: await deleteInBatches(
      db,
      accountTokens,
      accountTokens.id,
      or(lt(accountTokens.expiresAt, tokensBefore), and(isNotNull(accountTokens.usedAt), lt(accountTokens.usedAt, tokensBefore)))!,
    ),
    invitations: await deleteInBatches(
      db,
      invitations,
      invitations.id,
      or(
        lt(invitations.acceptedAt, invitationsBefore),
        lt(invitations.revokedAt, invitationsBefore),
        and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), lt(invitations.expiresAt, invitationsBefore)),
      )!,
    ),
    idempotencyKeys: await purgeExpiredIdempotencyKeys(db, now),
  };
}

async function deleteInBatches(db: Database, table: PgTable, id: PgColumn, condition: SQL): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = db.select({ id }).from(table).where(condition).limit(batchSize);
    const rows = await db.delete(table).where(inArray(id, batch)).returning({ id });
    deleted += rows.length;
    if (rows.length < batchSize) return deleted;
  }
}
