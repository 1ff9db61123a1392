import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

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

export type AuditChanges = Record<string, { before: unknown; after: unknown }>;
export type UserRow = typeof users.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
