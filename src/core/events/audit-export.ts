import 'server-only';
import { lt } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import { exportFormat, planExport, type ExportPlan } from '../exports';
import type { Principal } from '../principal';
import { parseInput } from '../validation';
import { eventAccessFor } from './access';
import { auditConditions, newestFirst } from './audit-trail';
import { toEventDto } from './dto';
import { auditFilterQuery } from './schemas';

/** `GET /api/v1/audit-events/export`: the audit filters and a format (CSV by default). */
export const exportAuditEventsQuery = auditFilterQuery.extend({ format: exportFormat.default('csv') });

const header = ['id', 'position', 'type', 'occurredAt', 'actor', 'door', 'subjectType', 'subjectId', 'data'];

/**
 * The audit trail as a file, newest first, with the same access as the list: members get only the events about
 * themselves. In CSV the subject is two columns and `data` (the subject's DTO and the changes) one JSON cell.
 * `clientIp`: where the request came from, for the `export.downloaded` event.
 */
export function planAuditExport(principal: Principal, rawQuery: Record<string, string | undefined>, clientIp: string | null): ExportPlan {
  const access = eventAccessFor(principal);
  const { format, ...filter } = parseInput(exportAuditEventsQuery, rawQuery, 'query');
  return planExport({ what: 'audit-events', format, filters: filter, principal, clientIp }, {
    readChunk: (db, after, limit) => {
      const conditions = auditConditions(filter, access);
      if (after?.position != null) conditions.push(lt(auditEvents.position, after.position));
      return newestFirst(db, conditions, limit);
    },
    toDto: toEventDto,
    layout: {
      header,
      cells: (event) => [event.id, event.position, event.type, event.occurredAt, event.actor, event.door, event.subject?.type ?? null, event.subject?.id ?? null, JSON.stringify(event.data)],
    },
  });
}
