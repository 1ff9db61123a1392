import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const userRole = pgEnum('user_role', ['member', 'viewer', 'admin', 'owner']);
export const userStatus = pgEnum('user_status', ['active', 'suspended']);
export const auditDoor = pgEnum('audit_door', ['console', 'api', 'cli', 'webhook']);

// Millisecond precision: keyset cursors carry created_at through JavaScript Dates, which hold milliseconds.
const timestampMs = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: userRole('role').notNull().default('member'),
    status: userStatus('status').notNull().default('active'),
    plan: text('plan').notNull().default('free'),
    /** Set by Stripe webhooks: the linked Stripe customer and the state of their subscription. */
    stripeCustomerId: text('stripe_customer_id'),
    subscriptionStatus: text('subscription_status'),
    version: integer('version').notNull().default(1),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    // Matches the list's ORDER BY created_at DESC, id DESC exactly, so pages are read off the index in order.
    // NULLS FIRST is PostgreSQL's default for DESC, but Drizzle's is NULLS LAST: without it the index cannot serve that
    // ORDER BY (every page was a sequential scan and a sort of the whole table).
    index('users_created_at_id_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // Trigram indexes make the console's substring search (ILIKE '%q%') an index scan, not a sequential scan.
    index('users_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    index('users_email_trgm_idx').using('gin', sql`${t.email} gin_trgm_ops`),
    uniqueIndex('users_stripe_customer_id_key').on(t.stripeCustomerId),
  ],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey(),
    actor: text('actor').notNull(),
    door: auditDoor('door').notNull(),
    action: text('action').notNull(),
    targetId: uuid('target_id'),
    changes: jsonb('changes').$type<AuditChanges>().notNull(),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
  },
  (t) => [index('audit_events_target_idx').on(t.targetId, t.createdAt)],
);

export const webhookEventStatus = pgEnum('webhook_event_status', ['pending', 'processed', 'ignored', 'failed']);

/**
 * Every verified Stripe event, stored before it is acknowledged (the Stripe event id is the key, so a
 * redelivery is a no-op) and processed afterwards: by the request's after() or by the sweeper.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** Stripe's `created` for the event: the order in which Stripe's state changed. */
    stripeCreatedAt: timestampMs('stripe_created_at').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: webhookEventStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestampMs('next_attempt_at').notNull().defaultNow(),
    receivedAt: timestampMs('received_at').notNull().defaultNow(),
    processedAt: timestampMs('processed_at'),
  },
  (t) => [
    index('webhook_events_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_events_received_idx').on(t.receivedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

/**
 * The newest event applied to each Stripe object (a subscription). Stripe does not deliver in order: an
 * event older than this one never overwrites newer state, and a deleted object stays deleted.
 */
export const stripeObjectVersions = pgTable('stripe_object_versions', {
  objectId: text('object_id').primaryKey(),
  lastEventCreatedAt: timestampMs('last_event_created_at').notNull(),
  /** Breaks ties within Stripe's one-second `created` resolution (created < updated < deleted). */
  lastEventType: text('last_event_type').notNull(),
  lastEventId: text('last_event_id').notNull(),
  deleted: boolean('deleted').notNull().default(false),
});

export type AuditChanges = Record<string, { before: unknown; after: unknown }>;
export type UserRow = typeof users.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type WebhookEventRow = typeof webhookEvents.$inferSelect;
