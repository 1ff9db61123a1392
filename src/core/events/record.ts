import 'server-only';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '@/db/client';
import { auditEvents, type AuditChanges } from '@/db/schema';
import { unnestInsert } from '@/db/unnest-insert';
import { actorOf, type Principal } from '../principal';
import type { EventType, Subject } from './types';

/** Anything that can run queries: the database or an open transaction. */
type Queryable = Pick<Database, 'execute'>;

export interface NewEvent {
  type: EventType;
  subject: Subject | null;
  /** The organization it is about, if any: what the organizationId filters of streams and the audit trail match. */
  organizationId?: string;
  /** Before/after of the fields that changed. */
  changes: AuditChanges;
  /** The subject as its public DTO (e.g. `{ user }`): what stream and webhook consumers act on. */
  data?: Record<string, unknown>;
}

/**
 * Appends an event to the log (which is also the audit trail). Call it inside the transaction that makes the change:
 * the event commits with it or not at all, and the commit wakes every reader.
 */
export async function recordEvent(db: Queryable, principal: Principal, event: NewEvent): Promise<void> {
  await recordEvents(db, principal, [event]);
}

/**
 * Several events of one change in one INSERT (one round trip), in order. An import writes hundreds at once: the
 * INSERT binds an array per column (src/db/unnest-insert.ts), not a parameter per value.
 */
export async function recordEvents(db: Queryable, principal: Principal, events: NewEvent[]): Promise<void> {
  if (events.length > 0) await db.execute(unnestInsert(auditEvents, eventRows(principal, events)));
}

/**
 * The INSERT recordEvents sends, not yet sent: for a caller that folds it into a statement of its own (a WITH clause),
 * saving the round trip. The same rules hold: inside the transaction that makes the change.
 */
export function eventsInsert(db: Pick<Database, 'insert'>, principal: Principal, events: NewEvent[]) {
  return db.insert(auditEvents).values(eventRows(principal, events));
}

function eventRows(principal: Principal, events: NewEvent[]): (typeof auditEvents.$inferInsert)[] {
  return events.map((event) => ({
    id: uuidv7(),
    actor: actorOf(principal),
    door: principal.door,
    action: event.type,
    subjectType: event.subject?.type ?? null,
    subjectId: event.subject?.id ?? null,
    organizationId: event.organizationId ?? null,
    changes: event.changes,
    // An item a job touched is audited with the job's id (src/core/jobs); an admin acting as the user is named, so
    // every consumer (audit, streams, webhooks) sees who really did it.
    data: {
      ...event.data,
      ...(principal.jobId === undefined ? {} : { jobId: principal.jobId }),
      ...(principal.kind === 'user' && principal.impersonation ? { actor: principal.impersonation } : {}),
    },
  }));
}

/** Before/after pairs for the fields that differ; `undefined` stands for "did not exist". */
export function diffFields<T extends Record<string, unknown>>(
  before: Partial<T> | undefined,
  after: Partial<T> | undefined,
  fields: readonly (keyof T & string)[],
): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of fields) {
    const from = before?.[field] ?? null;
    const to = after?.[field] ?? null;
    if (!Object.is(from, to)) changes[field] = { before: from, after: to };
  }
  return changes;
}
