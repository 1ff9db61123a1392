import { eventStreamQuery, planEventStream, type EventDto } from '@/core/events';
import { apiResource } from '@/http/api-resource';
import { eventStreamResponse } from '@/http/event-stream';
import { getEventFeed } from '@/server/event-feed';

/** API clients receive the event's DTO as it is. */
const asPublished = (event: EventDto) => event;

/** Live events over Server-Sent Events: replays from Last-Event-ID (or ?after=), then follows the log. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  GET: async ({ request, ctx }) => {
    const plan = await planEventStream(ctx, Object.fromEntries(new URL(request.url).searchParams), request.headers.get('last-event-id'));
    return eventStreamResponse(request, { db: ctx.db, feed: await getEventFeed(), plan, format: asPublished });
  },
}, { query: { GET: eventStreamQuery } });
