import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Longest a count admitted on this instance waits before the shared store hears of it. */
export const SYNC_INTERVAL_MS = 1_000;

/**
 * How many requests per caller an instance may admit that the shared store hasn't seen yet: 1 (every request
 * writes, exact) up to a budget of 199, a hundredth of the budget above that, at most 100.
 */
export const batchSizeFor = (points: number) => Math.min(100, Math.max(1, Math.floor(points / 100)));

interface CallerCount {
  /** The caller's total in the shared store at the last sync, and when that window ends (ms since the epoch). */
  shared: number;
  resetAt: number;
  /** Admitted here, not yet sent; and sent, not yet answered. */
  pending: number;
  sending: number;
  sync?: Promise<RateLimiterRes>;
  timer?: NodeJS.Timeout;
}

/**
 * A request budget counted in memory and sent to the shared store (`shared`, PostgreSQL or Redis) in batches, so a
 * request does not become a write. The tolerance, which the several-instances test asserts: an instance admits at
 * most `batchSize − 1` requests per caller that the store has not counted yet, so across N instances a caller gets
 * at most `points + N × (batchSize − 1)` requests per window. The batch goes out when it is full (that request
 * waits for the store's answer and is decided by it) or SYNC_INTERVAL_MS after its first request, whichever comes
 * first. Refusals are decided locally from the last sync and cost no write.
 */
export class BatchedLimiter {
  private readonly callers = new Map<string, CallerCount>();
  private lastSweep = 0;
  readonly batchSize: number;

  constructor(
    private readonly shared: RateLimiterAbstract,
    private readonly points: number,
  ) {
    this.batchSize = batchSizeFor(points);
  }

  async consume(key: string): Promise<RateLimiterRes> {
    const count = this.countOf(key);
    for (;;) {
      if (Date.now() >= count.resetAt) count.shared = 0; // the window the last sync saw is over
      const used = count.shared + count.pending + count.sending;
      if (used >= this.points) throw this.result(count, used);
      if (count.pending + count.sending + 1 < this.batchSize) {
        count.pending++;
        count.timer ??= setTimeout(() => void this.sendWhenFree(key, count), SYNC_INTERVAL_MS).unref();
        return this.result(count, used + 1);
      }
      // The batch is full: wait for the one on its way, or send this one with this request last in it.
      if (count.sync) {
        await count.sync.catch(() => undefined);
        continue;
      }
      count.pending++;
      const res = await this.send(key, count);
      if (res.consumedPoints > this.points) throw res;
      return res;
    }
  }

  private countOf(key: string): CallerCount {
    let count = this.callers.get(key);
    if (!count) {
      this.forgetIdleCallers();
      this.callers.set(key, (count = { shared: 0, resetAt: 0, pending: 0, sending: 0 }));
    }
    return count;
  }

  /** Adds this instance's pending requests to the shared count and learns the total (the other instances' too). */
  private send(key: string, count: CallerCount): Promise<RateLimiterRes> {
    clearTimeout(count.timer);
    count.timer = undefined;
    count.sending = count.pending;
    count.pending = 0;
    const settle = (res: RateLimiterRes) => {
      count.shared = res.consumedPoints;
      count.resetAt = Date.now() + res.msBeforeNext;
      return res;
    };
    // The store refuses (rejects with its figures) once the total passes the budget: a result, not a failure.
    const sync = this.shared.consume(key, count.sending).then(settle, (error: unknown) => {
      if (error instanceof RateLimiterRes) return settle(error);
      throw error;
    });
    count.sync = sync.finally(() => {
      count.sending = 0;
      count.sync = undefined;
    });
    return count.sync;
  }

  /** The timer's send: after the batch on its way, if that didn't take this one along. A failed send is retried by the next request. */
  private async sendWhenFree(key: string, count: CallerCount) {
    count.timer = undefined;
    while (count.sync) await count.sync.catch(() => undefined);
    if (count.pending > 0) await this.send(key, count).catch(() => undefined);
  }

  private result(count: CallerCount, used: number): RateLimiterRes {
    const msBeforeNext = count.resetAt > Date.now() ? count.resetAt - Date.now() : this.shared.duration * 1000;
    return new RateLimiterRes(Math.max(0, this.points - used), msBeforeNext, used, false);
  }

  /** Callers whose window is over with nothing left to send are forgotten: the map holds the active ones. */
  private forgetIdleCallers() {
    const now = Date.now();
    if (this.callers.size < 1_000 || now - this.lastSweep < SYNC_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [key, count] of this.callers) {
      if (count.resetAt <= now && count.pending === 0 && !count.sync) this.callers.delete(key);
    }
  }
}
