import 'server-only';
import { eq, or, sql, type SQL } from 'drizzle-orm';
import type { Transaction } from '@/db/client';
import { idempotencyKeys, invitations, mailOutbox, webhookDeliveries, webhookEvents, type UserRow } from '@/db/schema';
import { actorOf } from '../principal';

/**
 * Erasure: what other tables hold of a user being deleted goes in the deleting transaction. Sessions, linked accounts
 * and passwords, second factors, link tokens and external identities go with the user row (foreign keys cascade).
 * Here: email to their address (queued or logged) and invitations to it are deleted; stored idempotent responses
 * that carry their record are forgotten; outgoing webhook payloads about them and Stripe events that carry their
 * address keep their ids and types (receivers and the console still see what happened) but lose everything else.
 * The event log itself (the audit trail) keeps its entries until ROSTER_EVENT_RETENTION_DAYS prunes them.
 */
export async function eraseUserRecords(tx: Transaction, user: Pick<UserRow, 'id' | 'email' | 'role'>): Promise<void> {
  const email = user.email.toLowerCase();
  const mentions = (text: SQL) => sql`strpos(lower(${text}), ${email}) > 0`;

  await tx.delete(mailOutbox).where(sql`lower(${mailOutbox.recipient}) = ${email}`);
  await tx.delete(invitations).where(or(sql`lower(${invitations.email}) = ${email}`, eq(invitations.acceptedUserId, user.id)));
  await tx
    .delete(idempotencyKeys)
    .where(or(eq(idempotencyKeys.scope, actorOf({ kind: 'user', door: 'api', userId: user.id, role: user.role })), sql`strpos(${idempotencyKeys.body}, ${user.id}) > 0`, mentions(sql`${idempotencyKeys.body}`)));

  const payload = sql`${webhookDeliveries.payload}::jsonb`;
  await tx
    .update(webhookDeliveries)
    .set({ payload: sql`jsonb_set(${payload}, '{data}', '{"redacted": true}'::jsonb)::text`, lastResponse: null })
    .where(or(sql`${payload} #>> '{subject,id}' = ${user.id}`, sql`${payload} #>> '{data,user,id}' = ${user.id}`, mentions(sql`${webhookDeliveries.payload}`)));

  // A Stripe event holds their personal data when it names them (a checkout's client_reference_id) or carries their
  // address (a customer, a checkout's customer_details). One that only refers to their customer id holds none, and
  // stays usable: reprocessed, it may link that customer to someone else now.
  const aboutUser = or(sql`${webhookEvents.payload} #>> '{data,object,client_reference_id}' = ${user.id}`, mentions(sql`${webhookEvents.payload}::text`));
  await tx
    .update(webhookEvents)
    .set({
      payload: sql`jsonb_build_object('id', ${webhookEvents.id}, 'type', ${webhookEvents.type}, 'redacted', true)`,
      // A redacted event can't be applied any more: one still waiting is given up on, saying why.
      status: sql`CASE WHEN ${webhookEvents.status} = 'pending' THEN 'ignored'::webhook_event_status ELSE ${webhookEvents.status} END`,
      lastError: sql`CASE WHEN ${webhookEvents.status} = 'pending' THEN 'Redacted: the user it was about was deleted.' ELSE ${webhookEvents.lastError} END`,
    })
    .where(aboutUser);
}
