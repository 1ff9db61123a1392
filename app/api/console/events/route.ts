import { consolePrincipal } from '@/actions/context';
import { planConsoleStream, type EventDto } from '@/core/events';
import { getDatabase } from '@/db';
import { methodNotAllowed } from '@/http/api-resource';
import { eventStreamResponse } from '@/http/event-stream';
import { errorToResponse } from '@/http/problem';
import { assertSameOrigin } from '@/http/same-origin';
import { getEventFeed } from '@/server/event-feed';

/** What the console learns of an event: which user changed. Its pages then re-read through their own Server Components. */
const consoleEvent = ({ type, subject }: EventDto) => ({ type, subject });

/** The console's live stream, authenticated by the session cookie and answering same-origin requests only. */
export async function GET(request: Request): Promise<Response> {
  try {
    assertSameOrigin(request);
    const { db } = await getDatabase();
    const plan = await planConsoleStream({ db, principal: await consolePrincipal() }, request.headers.get('last-event-id'));
    return eventStreamResponse(request, { db, feed: await getEventFeed(), plan, format: consoleEvent });
  } catch (error) {
    return errorToResponse(error, request);
  }
}

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
