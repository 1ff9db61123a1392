import 'server-only';
import { z } from 'zod';
import { auditPage, eventDto, exportAuditEventsQuery, listAuditEventsQuery } from '@/core/events';
import { PAGE_LIMIT_MAX } from '@/core/page-query';
import { exportOperation } from './exports';
import type { Operation } from './operation';

const eventExample = {
  id: '01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d1b',
  position: '4711',
  type: 'user.updated',
  occurredAt: '2026-11-24T09:31:00.000Z',
  actor: 'user:01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d00',
  door: 'console',
  subject: { type: 'user', id: '01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d1a' },
  organizationId: null,
  data: { changes: { role: { before: 'member', after: 'viewer' } } },
};

const event = eventDto.meta({ id: 'Event', description: 'An event of the log: the same DTO the event stream sends.', example: eventExample });
const page = auditPage.extend({ items: z.array(event).max(PAGE_LIMIT_MAX) }).meta({ id: 'AuditEventPage', description: 'One page of the audit trail, newest first.' });

const access = 'Admins, owners and keys with `events:read`; members see only the events about themselves.';

export const auditEventsOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/audit-events',
    operationId: 'listAuditEvents',
    summary: 'List audit events',
    description: `The event log, newest first, keyset-paginated: pass \`nextCursor\` back as \`cursor\`. Filter by \`actor\`, \`type\` (comma-separated event types), \`subjectType\` and \`subjectId\`, \`door\`, \`organizationId\`, and \`from\`/\`to\` (ISO 8601; from inclusive, to exclusive). ${access}`,
    tag: 'Events',
    access: 'any-credential',
    request: { query: listAuditEventsQuery },
    success: { status: 200, description: 'A page of events.', schema: page, example: { items: [eventExample], nextCursor: null } },
    errors: { 400: 'A bad query parameter (one error per parameter) or a cursor this log never wrote.' },
  },
  exportOperation({
    path: '/api/v1/audit-events/export',
    operationId: 'exportAuditEvents',
    summary: 'Export audit events (CSV or NDJSON)',
    tag: 'Events',
    what: 'the audit trail the filters select (the same filters as listing it)',
    csvColumns: 'id, position, type, occurredAt, actor, door, subjectType, subjectId, data (JSON)',
    filename: 'roster-audit-events',
    access,
    query: exportAuditEventsQuery,
  }),
];
