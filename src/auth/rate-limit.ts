import 'server-only';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

// In process memory: right for one server (the embedded database allows only one). Several instances behind a
// load balancer each count on their own; move these to rate-limiter-flexible's Redis store then.
const limiters = new Map<string, RateLimiterMemory>();

/** The limiter for a `"points/seconds"` setting (e.g. `"30/60"`: 30 attempts per 60 seconds). */
function limiter(setting: string): RateLimiterMemory {
  let found = limiters.get(setting);
  if (!found) {
    const [points = NaN, duration = NaN] = setting.split('/').map(Number);
    if (!Number.isInteger(points) || !Number.isInteger(duration)) throw new Error(`Invalid rate limit "${setting}": use points/seconds, e.g. 30/60`);
    found = new RateLimiterMemory({ keyPrefix: setting, points, duration });
    limiters.set(setting, found);
  }
  return found;
}

export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${retryAfterSeconds} seconds.`);
  }
}

/**
 * Counts one attempt against the caller's IP (ROSTER_AUTH_RATE_LIMIT_IP, default 30 a minute) and, when known,
 * the account (ROSTER_AUTH_RATE_LIMIT_ACCOUNT, default 10 per 10 minutes); throws RateLimited once either is spent.
 */
export async function consumeAuthAttempt({ ip, account }: { ip: string | null; account?: string }): Promise<void> {
  try {
    await limiter(process.env.ROSTER_AUTH_RATE_LIMIT_IP ?? '30/60').consume(`ip:${ip ?? 'unknown'}`);
    if (account) await limiter(process.env.ROSTER_AUTH_RATE_LIMIT_ACCOUNT ?? '10/600').consume(`account:${account.trim().toLowerCase()}`);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new RateLimited(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    throw error;
  }
}
