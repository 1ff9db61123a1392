import { consoleContext } from '@/actions/context';
import { planConsoleStream, type EventDto } from '@/core/events';
import { methodNotAllowed } from '@/http/api-resource';
import { eventStreamResponse } from '@/http/event-stream';
import { errorToResponse } from '@/http/problem';
import { assertSameOrigin } from '@/http/same-origin';
import { getEventFeed } from '@/server/event-feed';

/**
 * What the console learns of an event: which user or organization changed. Its pages then re-read through their own
 * Server Components.
 */
const consoleEvent = ({ type, subject, organizationId }: EventDto) => ({ type, subject, organizationId });

/**
 * The console's live stream, authenticated by the session cookie and answering same-origin requests only; like every
 * console read, closed to an admin or owner who must enrol in two-factor sign-in first.
 */
export async function GET(request: Request): Promise<Response> {
  try {
    assertSameOrigin(request);
    const ctx = await consoleContext();
    const plan = await planConsoleStream(ctx, request.headers.get('last-event-id'));
    return eventStreamResponse(request, { db: ctx.db, feed: await getEventFeed(), plan, format: consoleEvent });
  } catch (error) {
    return errorToResponse(error, request);
  }
}

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
