import 'server-only';
import { authorize } from '../authorization';
import { ValidationFailed } from '../errors';
import { actorOf, type CoreContext } from '../principal';
import { parseInput } from '../validation';
import { eventAccessFor } from './access';
import { resumePoint, UnknownPosition, type EventFilter, type ResumePoint } from './log';
import { parsePosition } from './position';
import { eventStreamQuery } from './schemas';
import { eventTypes, type EventType } from './types';

/** What a stream will send: which events, from where, and whose stream it is (for the per-credential limit). */
export interface StreamPlan {
  filter: EventFilter;
  from: ResumePoint;
  owner: string;
}

/**
 * `GET /api/v1/events`: authorizes the reader, parses `?types=` and the resume point (the Last-Event-ID header, or
 * `?after=` for clients that can't set it; the header wins, as it is what a reconnecting EventSource sends).
 */
export async function planEventStream(ctx: CoreContext, query: Record<string, string | undefined>, lastEventId: string | null): Promise<StreamPlan> {
  const access = eventAccessFor(ctx.principal);
  const { types, organizationId, after } = parseInput(eventStreamQuery, query, 'query');
  const resumeFrom = lastEventId === null ? after : parseLastEventId(lastEventId);
  return { filter: { types, organizationId, access }, from: await resumeAt(ctx, resumeFrom ?? null, lastEventId === null ? 'after' : 'Last-Event-ID'), owner: actorOf(ctx.principal) };
}

/**
 * What the console's pages show: users, organizations (every organization.* and member.* event) and jobs' progress.
 * Any console reader may be told that one changed, never the details (a job's page is still only its creator's and
 * admins').
 */
const consoleTypes: EventType[] = [
  ...(['user.created', 'user.signed-up', 'user.updated', 'user.deleted', 'subscription.updated', 'customer.linked', 'users.seeded', 'job.progress', 'job.finished'] as const),
  ...eventTypes.filter((type) => type.startsWith('organization.') || type.startsWith('member.')),
];

/** The console's live stream: only which users and organizations changed, so its pages re-render through their own reads. */
export async function planConsoleStream(ctx: CoreContext, lastEventId: string | null): Promise<StreamPlan> {
  authorize(ctx.principal, 'users:read');
  const from = lastEventId === null ? null : parseLastEventId(lastEventId);
  return { filter: { types: consoleTypes, access: { all: true } }, from: await resumeAt(ctx, from, 'Last-Event-ID'), owner: actorOf(ctx.principal) };
}

function parseLastEventId(value: string) {
  const position = parsePosition(value);
  if (position === null) throw new ValidationFailed([{ path: ['Last-Event-ID'], message: 'Last-Event-ID must be the id of an event this stream sent' }], 'query');
  return position;
}

async function resumeAt(ctx: CoreContext, position: number | null, field: string): Promise<ResumePoint> {
  try {
    return await resumePoint(ctx.db, position);
  } catch (error) {
    if (error instanceof UnknownPosition) throw new ValidationFailed([{ path: [field], message: `${field} is not a position of this event log` }], 'query');
    throw error;
  }
}
