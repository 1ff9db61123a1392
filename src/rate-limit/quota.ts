import 'server-only';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequests, type RateLimitQuota } from '@/core/errors';
import { rateSettingFromEnv } from './setting';
import { BatchedLimiter } from './batched';
import { limiterOn, rateLimitStore, secondsUntilRetry, type RateLimitStore } from './store';

/** Request budgets per caller: `/api/v1` per API key or user, and the console's Server Actions per user. */
const budgets = {
  api: { variable: 'ROSTER_API_RATE_LIMIT', fallback: '600/60' },
  actions: { variable: 'ROSTER_ACTION_RATE_LIMIT', fallback: '300/60' },
} as const;
export type Budget = keyof typeof budgets;

const batched = new WeakMap<RateLimiterAbstract, BatchedLimiter>();

/**
 * The budget's counter. On a shared store it counts in memory and syncs in batches (BatchedLimiter, with its
 * tolerance across instances), so a read stays a read; in memory (the embedded database: one process) it is exact
 * already. Security limits (sign-in attempts, mail) count every attempt in the store instead: they are few.
 */
function counterOn(store: RateLimitStore, points: number, limiter: RateLimiterAbstract): Pick<RateLimiterAbstract, 'consume'> {
  if (store.kind === 'memory') return limiter;
  let counter = batched.get(limiter);
  if (!counter) batched.set(limiter, (counter = new BatchedLimiter(limiter, points)));
  return counter;
}

/**
 * Spends one request of `caller`'s `budget` (caller: `api-key:<id>`, `user:<id>`) and says what is left.
 * Throws TooManyRequests, with the same quota figures, once the window's budget is spent.
 */
export async function consumeQuota(budget: Budget, caller: string): Promise<RateLimitQuota> {
  const { points, duration } = rateSettingFromEnv(budgets[budget].variable, budgets[budget].fallback);
  const store = await rateLimitStore();
  const limiter = counterOn(store, points, limiterOn(store, { keyPrefix: `quota:${budget}`, points, duration }));
  const quota = (res: RateLimiterRes): RateLimitQuota => ({
    policy: budget,
    limit: points,
    windowSeconds: duration,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: secondsUntilRetry(res),
  });
  try {
    return quota(await limiter.consume(caller));
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const spent = quota(error);
    throw new TooManyRequests(spent.resetSeconds, 'Too many requests.', spent);
  }
}
