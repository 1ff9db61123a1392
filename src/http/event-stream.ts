import 'server-only';
import { subscribe, type EventDto, type EventFeed, type StreamPlan } from '@/core/events';
import type { Database } from '@/db/client';
import { whenClientGone } from './client-gone';
import { HttpProblem } from './problem';

/** Limits from the environment: streams per credential, streams in all, and the heartbeat period. */
function limits(env: NodeJS.ProcessEnv = process.env) {
  return {
    perCredential: Number(env.ROSTER_EVENTS_MAX_STREAMS_PER_CREDENTIAL ?? 5),
    total: Number(env.ROSTER_EVENTS_MAX_STREAMS ?? 1_000),
    heartbeatMs: Number(env.ROSTER_EVENTS_HEARTBEAT_MS ?? 15_000),
  };
}

/** How long a client waits before reconnecting (the `retry:` field) and before trying again when refused. */
const reconnectMs = 3_000;
/** Events queued for a client that reads slower than they come; past this it is told to reconnect and catch up. */
const maxQueued = 2_000;

export interface EventStreamOptions {
  db: Database;
  feed: EventFeed;
  plan: StreamPlan;
  /** What a client receives for each event. One function per kind of stream (not one per request): see eventFrame. */
  format(event: EventDto): unknown;
}

const encoder = new TextEncoder();
const frames = new WeakMap<EventStreamOptions['format'], WeakMap<EventDto, Uint8Array>>();

/**
 * An event as the bytes a stream sends. The feed hands one event object to every live stream, so each kind of
 * stream serializes and encodes it once, not once per open stream (1,000 of them in the fan-out bench).
 */
function eventFrame(event: EventDto, format: EventStreamOptions['format']): Uint8Array {
  let byEvent = frames.get(format);
  if (!byEvent) frames.set(format, (byEvent = new WeakMap()));
  let frame = byEvent.get(event);
  if (!frame) byEvent.set(event, (frame = encoder.encode(`event: ${event.type}\nid: ${event.position}\ndata: ${JSON.stringify(format(event))}\n\n`)));
  return frame;
}

/**
 * A Server-Sent Events response: `retry:` first, then each event as `event: <type>` + `id: <position>` +
 * `data: <json>` (so a browser listens with `addEventListener('user.created', …)`; `onmessage` sees none), flushed as
 * written, a `:` heartbeat comment every 15 s, and named control events: `pruned` (the resume point is older than
 * retention: what follows starts at the oldest kept event) and `reconnect` (the server is shutting down, or the client
 * fell too far behind; reconnect with Last-Event-ID and nothing is lost). A closed client releases everything at once.
 */
export function eventStreamResponse(request: Request, { db, feed, plan, format }: EventStreamOptions): Response {
  const { perCredential, total, heartbeatMs } = limits();
  const retryAfter = { 'Retry-After': String(reconnectMs / 1000) };
  if (feed.count(plan.owner) >= perCredential) {
    throw new HttpProblem(429, 'too-many-streams', 'Too Many Requests', `At most ${perCredential} open event streams per credential; close one first.`, retryAfter);
  }
  if (feed.count() >= total) {
    throw new HttpProblem(503, 'stream-capacity', 'Service Unavailable', 'This server has as many event streams open as it serves; retry shortly.', retryAfter);
  }

  const done = new AbortController();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), heartbeatMs);
      done.signal.addEventListener('abort', () => clearInterval(heartbeat));
      const end = (reason: 'shutdown' | 'overflow') => {
        if (done.signal.aborted) return;
        controller.enqueue(encoder.encode(`event: reconnect\ndata: ${JSON.stringify({ reason })}\n\n`));
        done.abort();
        controller.close();
      };
      const send = (text: string | Uint8Array) => {
        if (done.signal.aborted) return;
        controller.enqueue(typeof text === 'string' ? encoder.encode(text) : text);
        if ((controller.desiredSize ?? 0) < -maxQueued) end('overflow');
      };

      send(`retry: ${reconnectMs}\n\n`);
      // Joins the feed synchronously, right after the limit check above: no other stream can slip in between.
      subscribe(db, feed, { ...plan, signal: done.signal }, {
        event: (event) => send(eventFrame(event, format)),
        pruned: (through) => send(`event: pruned\nid: ${through}\ndata: ${JSON.stringify({ prunedThrough: String(through) })}\n\n`),
        end,
      }).catch((error: unknown) => {
        if (done.signal.aborted) return;
        done.abort();
        controller.error(error);
      });
    },
    cancel: () => done.abort(),
  });
  // A client that goes away (even before this was called) releases its slot and timers at once, whether or not Next
  // cancels the body.
  whenClientGone(request, () => done.abort(), done.signal);

  return new Response(body, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform keeps Next from gzipping (and so buffering) the stream; proxies must not buffer it either.
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    },
  });
}
