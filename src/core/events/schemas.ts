import 'server-only';
import { z } from 'zod';
import { doors } from '../principal';
import { parsePosition } from './position';
import { eventTypes, subjectTypes, type EventType } from './types';
import { isoDateTime, nextCursor, uuid } from '../bounds';
import { PAGE_LIMIT_MAX, pageLimit } from '../page-query';

const noNul = (value: string) => !value.includes('\u0000');

/** An event type's name (`user.created`), as deliveries and endpoints published before a type was renamed keep it. */
export const eventTypeName = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/);

const ACTOR_MAX = 200;
const SUBJECT_ID_MAX = 200;

/** A comma-separated list of event types (`user.created,user.updated`); an unknown type is an error, not a no-op. */
const unknownEventType = `Unknown event type; known types: ${eventTypes.join(', ')}`;
export const eventTypeList = z
  .string()
  .max(1_000, 'Too many types')
  .regex(/^[a-z0-9.,\s-]*$/, unknownEventType)
  .transform((value, context) => {
    const types = [...new Set(value.split(',').map((type) => type.trim()).filter(Boolean))];
    const unknown = types.filter((type) => !(eventTypes as readonly string[]).includes(type));
    if (unknown.length > 0) {
      // Not the unknown text itself: the console's audit page shows this message, and text from a link is no message.
      context.addIssue({ code: 'custom', message: unknownEventType });
      return z.NEVER;
    }
    return types as EventType[];
  });

/** A position written by this log (`<txId>-<seq>`), as SSE ids, resume tokens and cursors carry it. */
export const positionParam = (message: string) =>
  z
    .string()
    .max(20, message)
    .regex(/^\s*\d+\s*$/, message)
    .transform((value, context) => {
      const position = parsePosition(value);
      if (!position) {
        context.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return position;
    });

const timestamp = (field: string) => {
  const error = `${field} must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z`;
  return z.iso
    .datetime({ offset: true, error })
    .max(40, error)
    .transform((value) => new Date(value));
};

/** Only the events about one organization. */
const organizationIdParam = uuid({ error: 'organizationId must be an organization id (a UUID)' });

/** `GET /api/v1/events`: which types, and where to resume for clients that can't send Last-Event-ID. */
export const eventStreamQuery = z.object({
  types: eventTypeList.optional(),
  organizationId: organizationIdParam.optional(),
  after: positionParam('after must be the id of an event this stream sent').optional(),
});

/** Filters of the audit trail (the console's /audit page, `GET /api/v1/audit-events` and its export). */
export const auditFilterQuery = z.object({
  actor: z.string().trim().min(1).max(ACTOR_MAX, `Actor must be at most ${ACTOR_MAX} characters`).refine(noNul, 'Actor must not contain NUL characters').optional(),
  type: eventTypeList.optional(),
  subjectType: z.enum(subjectTypes, { error: `Subject type must be one of: ${subjectTypes.join(', ')}` }).optional(),
  subjectId: z.string().trim().min(1).max(SUBJECT_ID_MAX, `Subject id must be at most ${SUBJECT_ID_MAX} characters`).refine(noNul, 'Subject id must not contain NUL characters').optional(),
  door: z.enum(doors, { error: `Door must be one of: ${doors.join(', ')}` }).optional(),
  organizationId: organizationIdParam.optional(),
  from: timestamp('from').optional(),
  to: timestamp('to').optional(),
});

export const listAuditEventsQuery = auditFilterQuery.extend({
  limit: pageLimit,
  cursor: positionParam('Invalid cursor').optional(),
});

export type AuditFilter = z.output<typeof auditFilterQuery>;
export type ListAuditEventsQuery = z.input<typeof listAuditEventsQuery>;

/** The published shape of an event (EventDto): what the audit API pages hold and the NDJSON export's lines are. */
export const eventDto = z.object({
  id: uuid(),
  position: z.string().max(15).regex(/^\d+$/),
  type: z.enum(eventTypes),
  occurredAt: isoDateTime(),
  actor: z
    .string()
    .max(ACTOR_MAX)
    .regex(/^(anonymous|[a-z-]+:.+)$/)
    .meta({ description: '`user:<id>`, `api-key:<id>` or `system:<name>`.' }),
  door: z.enum(doors),
  subject: z.object({ type: z.enum(subjectTypes), id: z.string().max(SUBJECT_ID_MAX) }).nullable(),
  organizationId: uuid().nullable().meta({ description: 'The organization the event is about, or null.' }),
  data: z.looseObject({ changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })) }),
});

/** One page of the audit trail, newest first; `nextCursor` fetches the next one (null on the last). */
export const auditPage = z.object({ items: z.array(eventDto).max(PAGE_LIMIT_MAX), nextCursor: nextCursor() });
