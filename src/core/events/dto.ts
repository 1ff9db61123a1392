import 'server-only';
import type { AuditEventRow } from '@/db/schema';
import type { EventDto, EventType, SubjectType } from './types';

/** Built field by field, so a new column never reaches a consumer by accident. */
export function toEventDto(row: AuditEventRow): EventDto {
  return {
    id: row.id,
    position: String(row.position),
    type: row.action as EventType,
    occurredAt: row.createdAt.toISOString(),
    actor: row.actor,
    door: row.door,
    subject: row.subjectType && row.subjectId ? { type: row.subjectType as SubjectType, id: row.subjectId } : null,
    organizationId: row.organizationId,
    data: { ...row.data, changes: row.changes },
  };
}
