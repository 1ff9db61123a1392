import 'server-only';
import { z } from 'zod';
import { doors } from '../principal';
import { parsePosition } from './position';
import { eventTypes, subjectTypes, type EventType } from './types';
import { pageLimit } from '../page-query';

const noNul = (value: string) => !value.includes('\u0000');

/** A comma-separated list of event types (`user.created,user.updated`); an unknown type is an error, not a no-op. */
export const eventTypeList = z
  .string()
  .max(1_000, 'Too many types')
  .transform((value, context) => {
    const types = [...new Set(value.split(',').map((type) => type.trim()).filter(Boolean))];
    const unknown = types.filter((type) => !(eventTypes as readonly string[]).includes(type));
    if (unknown.length > 0) {
      // Not the unknown text itself: the console's audit page shows this message, and text from a link is no message.
      context.addIssue({ code: 'custom', message: `Unknown event type; known types: ${eventTypes.join(', ')}` });
      return z.NEVER;
    }
    return types as EventType[];
  });

/** A position written by this log (`<txId>-<seq>`), as SSE ids, resume tokens and cursors carry it. */
export const positionParam = (message: string) =>
  z.string().transform((value, context) => {
    const position = parsePosition(value);
    if (!position) {
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return position;
  });

const timestamp = (field: string) => z.iso.datetime({ offset: true, error: `${field} must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z` }).transform((value) => new Date(value));

/** Only the events about one organization. */
const organizationIdParam = z.uuid({ error: 'organizationId must be an organization id (a UUID)' });

/** `GET /api/v1/events`: which types, and where to resume for clients that can't send Last-Event-ID. */
export const eventStreamQuery = z.object({
  types: eventTypeList.optional(),
  organizationId: organizationIdParam.optional(),
  after: positionParam('after must be the id of an event this stream sent').optional(),
});

/** Filters of the audit trail (the console's /audit page, `GET /api/v1/audit-events` and its export). */
export const auditFilterQuery = z.object({
  actor: z.string().trim().min(1).max(200, 'Actor must be at most 200 characters').refine(noNul, 'Actor must not contain NUL characters').optional(),
  type: eventTypeList.optional(),
  subjectType: z.enum(subjectTypes, { error: `Subject type must be one of: ${subjectTypes.join(', ')}` }).optional(),
  subjectId: z.string().trim().min(1).max(200, 'Subject id must be at most 200 characters').refine(noNul, 'Subject id must not contain NUL characters').optional(),
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
  id: z.uuid(),
  position: z.string().regex(/^\d+$/),
  type: z.enum(eventTypes),
  occurredAt: z.iso.datetime(),
  actor: z.string().meta({ description: '`user:<id>`, `api-key:<id>` or `system:<name>`.' }),
  door: z.enum(doors),
  subject: z.object({ type: z.enum(subjectTypes), id: z.string() }).nullable(),
  organizationId: z.uuid().nullable().meta({ description: 'The organization the event is about, or null.' }),
  data: z.looseObject({ changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })) }),
});

/** One page of the audit trail, newest first; `nextCursor` fetches the next one (null on the last). */
export const auditPage = z.object({ items: z.array(eventDto), nextCursor: z.string().nullable() });
