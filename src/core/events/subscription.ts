import 'server-only';
import type { Database } from '@/db/client';
import type { EventFeed } from './feed';
import { matchesFilter, readEventsAfter, type EventFilter, type ResumePoint } from './log';
import type { Position } from './position';
import type { EventDto } from './types';

const replayBatch = 500;

/** Where a subscription's output goes (an SSE stream, say). */
export interface EventSink {
  event(event: EventDto): void;
  /** Retention pruned events after the requested position: they can't be replayed. Sent before anything else. */
  pruned(through: Position): void;
  /** No more events: the server is shutting down, or the reader fell too far behind to keep up. */
  end(reason: 'shutdown' | 'overflow'): void;
}

export interface SubscribeOptions {
  /** Where to start (resumePoint): replay what follows it, then go live. */
  from: ResumePoint;
  filter: EventFilter;
  /** Counted against stream limits (a credential). */
  owner: string;
  /** Live events held while the replay runs, at most; past it the subscription ends with 'overflow'. */
  maxBuffered?: number;
  /** Ends the subscription, at once, replay or not. */
  signal?: AbortSignal;
}

/**
 * Replays what the reader missed, then goes live, with no gap and no duplicate: it joins the feed first (at once,
 * before anything is awaited, so a caller's stream-limit check and the joining are one step), holding what the feed
 * delivers; replays from the log up to the feed's position at joining; then releases the held events past what it
 * replayed. Resolves once the replay is done and events flow live; rejects if the replay failed (and ends).
 */
export function subscribe(db: Database, feed: EventFeed, options: SubscribeOptions, sink: EventSink): Promise<void> {
  const resume = options.from;
  if (resume.pruned) sink.pruned(resume.pruned.through);

  const maxBuffered = options.maxBuffered ?? 10_000;
  let last = resume.from;
  let held: EventDto[] | null = [];
  let ended = false;
  let leave = () => {};
  const send = (event: EventDto) => {
    const position = Number(event.position);
    if (position <= last) return;
    last = position;
    sink.event(event);
  };
  const end = (reason: 'shutdown' | 'overflow') => {
    if (ended) return;
    ended = true;
    leave();
    sink.end(reason);
  };

  const joinedAt = feed.position;
  leave = feed.add(
    {
      deliver(event) {
        if (ended || !matchesFilter(event, options.filter)) return;
        if (!held) return send(event);
        held.push(event);
        if (held.length > maxBuffered) end('overflow');
      },
      close: () => end('shutdown'),
    },
    options.owner,
  );

  const replay = async () => {
    let cursor = resume.from;
    while (!ended && cursor < joinedAt) {
      const events = await readEventsAfter(db, cursor, options.filter, { limit: replayBatch, until: joinedAt });
      for (const event of events) send(event);
      if (events.length < replayBatch) break;
      cursor = Number(events.at(-1)!.position);
    }
    const release = held ?? [];
    held = null;
    for (const event of release) if (!ended) send(event);
  };
  const stop = () => {
    ended = true;
    leave();
  };
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  return replay().catch((error: unknown) => {
    stop();
    throw error;
  });
}
