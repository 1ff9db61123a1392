import 'server-only';
import { consoleContext } from '@/actions/context';
import { ValidationFailed } from '@/core/errors';
import { listAuditEvents, type AuditPage } from '@/core/events';
import { peopleOfEvents, type Person } from '@/core/users';

export type AuditPageResult = ({ ok: true; people: Record<string, Person> } & AuditPage) | { ok: false; problems: string[] };

/** One page of the audit trail for the signed-in user; bad filters come back as messages for the page to show. */
export async function readAuditPage(query: Record<string, string | undefined>): Promise<AuditPageResult> {
  try {
    const ctx = await consoleContext();
    const page = await listAuditEvents(ctx, query);
    return { ok: true, ...page, people: Object.fromEntries(await peopleOfEvents(ctx, page.items)) };
  } catch (error) {
    if (error instanceof ValidationFailed) return { ok: false, problems: error.issues.map((issue) => issue.message) };
    throw error;
  }
}
