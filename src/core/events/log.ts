import 'server-only';
import { and, asc, eq, gt, inArray, lte, max, type SQL } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { auditEvents, eventLogHorizon } from '@/db/schema';
import type { EventAccess } from './access';
import { toEventDto } from './dto';
import { logStart, type Position } from './position';
import type { EventDto, EventType } from './types';

/** Which events a reader wants: some types only, and what its principal may see. */
export interface EventFilter {
  types?: readonly EventType[];
  /** Only the events about this organization. */
  organizationId?: string;
  access: EventAccess;
}

// The same filter twice, side by side: as SQL for reading the log, and in memory for events the feed delivers.
export function filterConditions(filter: EventFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.types) conditions.push(inArray(auditEvents.action, [...filter.types]));
  if (filter.organizationId) conditions.push(eq(auditEvents.organizationId, filter.organizationId));
  if (!filter.access.all) conditions.push(eq(auditEvents.subjectType, 'user'), eq(auditEvents.subjectId, filter.access.ownUserId));
  return conditions;
}

export function matchesFilter(event: EventDto, filter: EventFilter): boolean {
  if (filter.types && !filter.types.includes(event.type)) return false;
  if (filter.organizationId && event.organizationId !== filter.organizationId) return false;
  if (!filter.access.all) return event.subject?.type === 'user' && event.subject.id === filter.access.ownUserId;
  return true;
}

/**
 * Events after `after` (and up to `until`), in log order. Positions are assigned at commit in commit order, so the
 * next call from the last position returned can never miss an event: a late commit always lands after it.
 */
export async function readEventsAfter(
  db: Database,
  after: Position,
  filter: EventFilter,
  { limit = 500, until }: { limit?: number; until?: Position } = {},
): Promise<EventDto[]> {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(gt(auditEvents.position, after), until === undefined ? undefined : lte(auditEvents.position, until), ...filterConditions(filter)))
    .orderBy(asc(auditEvents.position))
    .limit(limit);
  return rows.map(toEventDto);
}

/** The newest position, or the start of the log while it is empty. */
export async function lastPosition(db: Database): Promise<Position> {
  const [row] = await db.select({ last: max(auditEvents.position) }).from(auditEvents);
  return row?.last ?? logStart;
}

export interface ResumePoint {
  /** Where reading continues. */
  from: Position;
  /** Set when retention pruned events after the requested position: they can't be replayed. */
  pruned?: { through: Position };
}

/** A requested position lies after every event committed so far: it came from elsewhere, not from this log. */
export class UnknownPosition extends Error {}

/**
 * Where a reader starts. No position: now (after the newest event). A position older than what retention kept: the
 * oldest kept event, with `pruned` set so the reader can tell its client.
 */
export async function resumePoint(db: Database, requested: Position | null): Promise<ResumePoint> {
  const last = await lastPosition(db);
  if (requested === null) return { from: last };
  if (requested > last) throw new UnknownPosition('This position is not from this event log.');
  const [horizon] = await db.select().from(eventLogHorizon).where(eq(eventLogHorizon.id, 1));
  if (horizon && requested < horizon.prunedThrough) return { from: horizon.prunedThrough, pruned: { through: horizon.prunedThrough } };
  return { from: requested };
}
