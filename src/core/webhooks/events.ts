import 'server-only';
import { and, asc, desc, eq, lte, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { webhookEvents } from '@/db/schema';
import { recordEvent } from '../events';
import { authorize } from '../authorization';
import { describeError } from '../error-message';
import { applyStripeEvent } from '../billing/apply-stripe-event';
import type { ChangedCustomers } from '../billing/customers';
import { planMapFromEnv, type PlanMap } from '../billing/plans';
import { NotFound, PreconditionFailed } from '../errors';
import type { CoreContext, Principal } from '../principal';
import { PermanentFailure } from './errors';

/** How long a newly stored event is left to its own request's after() before the sweeper may take it. */
export const SWEEPER_GRACE_MS = 10_000;

/** The acting principal for everything Stripe causes. */
export const stripePrincipal: Principal = { kind: 'system', door: 'webhook', name: 'stripe' };

/** A verified Stripe event, as much of it as storing needs. */
export interface VerifiedEvent {
  id: string;
  type: string;
  created: number;
}

/**
 * Stores a verified event before it is acknowledged. Idempotent on Stripe's event id: a redelivery stores
 * nothing and reports `stored: false`.
 */
export async function storeWebhookEvent(
  db: Database,
  event: VerifiedEvent,
  { now = new Date() }: { now?: Date } = {},
): Promise<{ stored: boolean }> {
  const inserted = await db
    .insert(webhookEvents)
    .values({
      id: event.id,
      type: event.type,
      stripeCreatedAt: new Date(event.created * 1000),
      payload: event as unknown as Record<string, unknown>,
      // The request that stored it processes it right after responding (and expires the console's cache
      // tags, which the sweeper can't); the sweeper takes it only if that hasn't happened by then.
      nextAttemptAt: new Date(now.getTime() + SWEEPER_GRACE_MS),
    })
    .onConflictDoNothing({ target: webhookEvents.id })
    .returning({ id: webhookEvents.id });
  return { stored: inserted.length > 0 };
}

export interface RetryPolicy {
  maxAttempts: number;
  /** Delay before retry n (1-based): baseDelayMs * 2^(n-1), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** About 40 minutes of retries in all: long enough for a late checkout event to link the customer. */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 10_000, maxDelayMs: 15 * 60_000 };

export interface ProcessResult extends ChangedCustomers {
  status: 'processed' | 'ignored' | 'retrying' | 'failed' | 'skipped';
}

const unchanged = (status: ProcessResult['status']): ProcessResult => ({ status, userIds: [], organizationIds: [] });

/**
 * Processes one pending event exactly once: its effect and its new status commit in one transaction, and a
 * row lock (SKIP LOCKED) keeps two processes (after(), the sweeper, another instance) off the same event.
 * A failure rolls back the effect, records the error and schedules a retry, or marks the event failed.
 */
export async function processWebhookEvent(db: Database, eventId: string, options: ProcessOptions = {}): Promise<ProcessResult> {
  const { linkedCustomer, ...result } = await processOne(db, eventId, options);
  if (!linkedCustomer) return result;
  // Stripe sends subscription events before the checkout that links their customer as often as after: those
  // wait (RetryLater) for this link, so they apply now, in Stripe's order, instead of at their next retry.
  const waiting = await db
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.status, 'pending'), sql`${customerOf} = ${linkedCustomer}`))
    .orderBy(asc(webhookEvents.stripeCreatedAt), asc(webhookEvents.id));
  const userIds = new Set(result.userIds);
  const organizationIds = new Set(result.organizationIds);
  for (const { id } of waiting) {
    const applied = await processOne(db, id, options);
    applied.userIds.forEach((userId) => userIds.add(userId));
    applied.organizationIds.forEach((organizationId) => organizationIds.add(organizationId));
  }
  return { status: result.status, userIds: [...userIds], organizationIds: [...organizationIds] };
}

interface ProcessOptions {
  policy?: RetryPolicy;
  plans?: PlanMap;
  now?: () => Date;
}

/** The Stripe customer an event's object belongs to: an id, or an expanded object with one. */
const customerOf = sql`coalesce(${webhookEvents.payload} #>> '{data,object,customer,id}', ${webhookEvents.payload} #>> '{data,object,customer}')`;

async function processOne(
  db: Database,
  eventId: string,
  { policy = defaultRetryPolicy, plans = planMapFromEnv(), now = () => new Date() }: ProcessOptions,
): Promise<ProcessResult & { linkedCustomer?: string }> {
  return db.transaction(async (tx) => {
    const [event] = await tx
      .select()
      .from(webhookEvents)
      .where(and(eq(webhookEvents.id, eventId), eq(webhookEvents.status, 'pending')))
      .for('update', { skipLocked: true });
    if (!event) return unchanged('skipped');

    const attempts = event.attempts + 1;
    try {
      // A savepoint: if applying fails half-way, only its writes roll back, and the failure is still recorded.
      const result = await tx.transaction((inner) => applyStripeEvent(inner, stripePrincipal, event, plans));
      await tx
        .update(webhookEvents)
        .set({ status: result.outcome, attempts, lastError: result.reason ?? null, processedAt: now() })
        .where(eq(webhookEvents.id, eventId));
      const { outcome, userIds, organizationIds, linkedCustomer } = result;
      return { status: outcome, userIds, organizationIds, ...(linkedCustomer ? { linkedCustomer } : {}) };
    } catch (error) {
      const giveUp = error instanceof PermanentFailure || attempts >= policy.maxAttempts;
      const delay = Math.min(policy.baseDelayMs * 2 ** (attempts - 1), policy.maxDelayMs);
      await tx
        .update(webhookEvents)
        .set({
          status: giveUp ? 'failed' : 'pending',
          attempts,
          lastError: describeError(error),
          nextAttemptAt: giveUp ? event.nextAttemptAt : new Date(now().getTime() + delay),
        })
        .where(eq(webhookEvents.id, eventId));
      return unchanged(giveUp ? 'failed' : 'retrying');
    }
  });
}

/** The sweeper's pass: processes every pending event that is due, oldest first, up to `limit`. */
export async function processDueWebhookEvents(
  db: Database,
  options: ProcessOptions & { limit?: number } = {},
): Promise<ProcessResult[]> {
  const now = options.now ?? (() => new Date());
  const due = await db
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.status, 'pending'), lte(webhookEvents.nextAttemptAt, now())))
    .orderBy(asc(webhookEvents.stripeCreatedAt), asc(webhookEvents.id))
    .limit(options.limit ?? 100);
  const results: ProcessResult[] = [];
  for (const { id } of due) results.push(await processWebhookEvent(db, id, { ...options, now }));
  return results;
}

/**
 * Console: gives a failed event a fresh set of attempts and processes it now. The reset is audited under the
 * caller's principal; what the event then changes is audited, as always, under Stripe's.
 */
export async function reprocessWebhookEvent(ctx: CoreContext, eventId: string, options: { plans?: PlanMap } = {}): Promise<ProcessResult> {
  authorize(ctx.principal, 'webhooks:write');
  const reset = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(webhookEvents)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: sql`now()` })
      .where(and(eq(webhookEvents.id, eventId), eq(webhookEvents.status, 'failed')))
      .returning({ id: webhookEvents.id, type: webhookEvents.type });
    if (row) {
      await recordEvent(tx, ctx.principal, {
        type: 'webhook.reprocessed',
        subject: { type: 'webhook-event', id: row.id },
        changes: { status: { before: 'failed', after: 'pending' } },
        data: { webhookEvent: { id: row.id, type: row.type } },
      });
    }
    return row;
  });
  if (!reset) {
    const [exists] = await ctx.db.select({ status: webhookEvents.status }).from(webhookEvents).where(eq(webhookEvents.id, eventId));
    if (!exists) throw new NotFound('Webhook event');
    throw new PreconditionFailed(`Only failed events can be reprocessed; this one is ${exists.status}.`);
  }
  return processWebhookEvent(ctx.db, eventId, options);
}

export interface WebhookEventDto {
  id: string;
  type: string;
  status: 'pending' | 'processed' | 'ignored' | 'failed';
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  processedAt: string | null;
}

/** Most recently received first. */
export async function listWebhookEvents({ db, principal }: CoreContext, { limit = 100 }: { limit?: number } = {}): Promise<WebhookEventDto[]> {
  authorize(principal, 'webhooks:read');
  const rows = await db
    .select()
    .from(webhookEvents)
    .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
    .limit(Math.min(Math.max(limit, 1), 500));
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
  }));
}
