import 'server-only';
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { auditEvents } from '@/db/schema';
import type { CoreContext } from '../principal';
import { parseInput } from '../validation';
import { eventAccessFor, type EventAccess } from './access';
import { toEventDto } from './dto';
import { filterConditions } from './log';
import { listAuditEventsQuery, type AuditFilter, type ListAuditEventsQuery } from './schemas';
import type { EventDto, Subject } from './types';

export interface AuditPage {
  items: EventDto[];
  nextCursor: string | null;
}

/** The audit trail, newest first, filtered, in keyset pages on the log position. */
export async function listAuditEvents(ctx: CoreContext, rawQuery: ListAuditEventsQuery | Record<string, string | undefined>): Promise<AuditPage> {
  const access = eventAccessFor(ctx.principal);
  const query = parseInput(listAuditEventsQuery, rawQuery, 'query');
  const conditions = auditConditions(query, access);
  if (query.cursor !== undefined) conditions.push(lt(auditEvents.position, query.cursor));
  const rows = await newestFirst(ctx.db, conditions, query.limit + 1);
  const page = rows.slice(0, query.limit).map(toEventDto);
  return { items: page, nextCursor: rows.length > query.limit ? page.at(-1)!.position : null };
}

/** The latest events about one subject (a user's History panel); the caller has authorized the read. */
export async function subjectHistory(db: Database, subject: Subject, limit = 20): Promise<EventDto[]> {
  const rows = await newestFirst(db, [eq(auditEvents.subjectType, subject.type), eq(auditEvents.subjectId, subject.id)], limit);
  return rows.map(toEventDto);
}

/** SQL conditions for the audit filters and the reader's access; shared by the list and the export. */
export function auditConditions(filter: AuditFilter, access: EventAccess): SQL[] {
  const conditions = filterConditions({ types: filter.type, organizationId: filter.organizationId, access });
  if (filter.actor) conditions.push(eq(auditEvents.actor, filter.actor));
  if (filter.subjectType) conditions.push(eq(auditEvents.subjectType, filter.subjectType));
  if (filter.subjectId) conditions.push(eq(auditEvents.subjectId, filter.subjectId));
  if (filter.door) conditions.push(eq(auditEvents.door, filter.door));
  if (filter.from) conditions.push(gte(auditEvents.createdAt, filter.from));
  if (filter.to) conditions.push(lt(auditEvents.createdAt, filter.to));
  return conditions;
}

/** Events matching `conditions`, newest first (by log position). */
export function newestFirst(db: Database, conditions: SQL[], limit: number) {
  return db
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.position))
    .limit(limit);
}
