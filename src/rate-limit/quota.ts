import 'server-only';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequests, type RateLimitQuota } from '@/core/errors';
import { rateSettingFromEnv } from './setting';
import { limiterOn, rateLimitStore, secondsUntilRetry } from './store';

/** Request budgets per caller: `/api/v1` per API key or user, and the console's Server Actions per user. */
const budgets = {
  api: { variable: 'ROSTER_API_RATE_LIMIT', fallback: '600/60' },
  actions: { variable: 'ROSTER_ACTION_RATE_LIMIT', fallback: '300/60' },
} as const;
export type Budget = keyof typeof budgets;

/**
 * Spends one request of `caller`'s `budget` (caller: `api-key:<id>`, `user:<id>`) and says what is left.
 * Throws TooManyRequests, with the same quota figures, once the window's budget is spent.
 */
export async function consumeQuota(budget: Budget, caller: string): Promise<RateLimitQuota> {
  const { points, duration } = rateSettingFromEnv(budgets[budget].variable, budgets[budget].fallback);
  const limiter = limiterOn(await rateLimitStore(), { keyPrefix: `quota:${budget}`, points, duration });
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
