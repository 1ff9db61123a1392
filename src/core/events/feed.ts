import 'server-only';
import type { DatabaseHandle } from '@/db/client';
import { readEventsAfter, resumePoint } from './log';
import { logStart, type Position } from './position';
import type { EventDto } from './types';

/** What the feed hands new events to, in log order. */
export interface FeedListener {
  deliver(event: EventDto): void;
  /** The feed is closing (the server is shutting down): no more events will come. */
  close(): void;
}

export interface FeedOptions {
  /** A check for events that no notification announced (one lost while reconnecting, say). */
  pollMs?: number;
  /** Events read per query while catching up. */
  batchSize?: number;
  /** A read failed (the database is unreachable, say); the next notification or poll tries again. */
  onError?: (error: unknown) => void;
}

/** The NOTIFY channel the audit_events trigger (migration 0004) sends each new position on. */
export const eventsChannel = 'roster_events';

const allEvents = { access: { all: true } } as const;

/**
 * One reader of the event log per process, fanning every new event out to its listeners (SSE streams, the live
 * console). It wakes on the commit notification and reads once for everyone; it also checks every `pollMs`, so an
 * event whose notification was lost (a dropped connection) is late, never lost.
 */
export class EventFeed {
  private head: Position = logStart;
  private readonly listeners = new Set<FeedListener>();
  private readonly owners = new Map<FeedListener, string>();
  private reading = false;
  private readAgain = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private closed = false;

  private constructor(
    private readonly handle: DatabaseHandle,
    private readonly options: Required<FeedOptions>,
  ) {}

  static async start(handle: DatabaseHandle, options: FeedOptions = {}): Promise<EventFeed> {
    const feed = new EventFeed(handle, { pollMs: options.pollMs ?? 1_000, batchSize: options.batchSize ?? 500, onError: options.onError ?? (() => {}) });
    feed.head = (await resumePoint(handle.db, null)).from;
    feed.unlisten = await handle.listen(eventsChannel, () => feed.wake());
    feed.pollTimer = setInterval(() => feed.wake(), feed.options.pollMs);
    feed.pollTimer.unref();
    return feed;
  }

  /** The last position handed to listeners: a new listener receives every event after it. */
  get position(): Position {
    return this.head;
  }

  /** Listens from now on. A stream names its `owner` (a credential), counted for stream limits; background work doesn't. */
  add(listener: FeedListener, owner?: string): () => void {
    if (this.closed) {
      listener.close();
      return () => {};
    }
    this.listeners.add(listener);
    if (owner !== undefined) this.owners.set(listener, owner);
    return () => {
      this.listeners.delete(listener);
      this.owners.delete(listener);
    };
  }

  /** Open streams, in all or of one owner. */
  count(owner?: string): number {
    if (owner === undefined) return this.owners.size;
    let count = 0;
    for (const value of this.owners.values()) if (value === owner) count += 1;
    return count;
  }

  /** Ends every listener and stops reading; the database stays open (the caller closes it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pollTimer);
    for (const listener of [...this.listeners]) listener.close();
    this.listeners.clear();
    this.owners.clear();
    await this.unlisten?.();
  }

  private wake(): void {
    if (this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    void this.catchUp().finally(() => {
      this.reading = false;
      if (this.readAgain) {
        this.readAgain = false;
        this.wake();
      }
    });
  }

  private async catchUp(): Promise<void> {
    try {
      for (;;) {
        const events = await readEventsAfter(this.handle.db, this.head, allEvents, { limit: this.options.batchSize });
        for (const event of events) {
          if (this.closed) return;
          this.head = Number(event.position);
          for (const listener of this.listeners) listener.deliver(event);
        }
        if (events.length < this.options.batchSize) return;
      }
    } catch (error) {
      this.options.onError(error);
    }
  }
}
