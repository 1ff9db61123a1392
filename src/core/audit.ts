import 'server-only';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '@/db/client';
import { auditEvents, type AuditChanges } from '@/db/schema';
import { actorOf, type Principal } from './principal';

/** Anything that can run queries: the database or an open transaction. */
type Queryable = Pick<Database, 'insert'>;

export async function recordAudit(
  db: Queryable,
  principal: Principal,
  event: { action: string; targetId: string | null; changes: AuditChanges },
): Promise<void> {
  await db.insert(auditEvents).values({
    id: uuidv7(),
    actor: actorOf(principal),
    door: principal.door,
    action: event.action,
    targetId: event.targetId,
    changes: event.changes,
  });
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
