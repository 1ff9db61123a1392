import 'server-only';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequests } from '@/core/errors';
import { clientIpKey } from '@/rate-limit/client-ip-key';
import { rateSettingFromEnv } from '@/rate-limit/setting';
import { limiterOn, rateLimitStore, secondsUntilRetry } from '@/rate-limit/store';

/**
 * Requests per client IP to the auth endpoints (sign-in, sign-up, tokens, OAuth callbacks), whatever their outcome
 * (ROSTER_AUTH_RATE_LIMIT_IP, default 30 a minute): a flood limit per address, not per account, so it can never keep
 * an account's owner out from another address. Throws TooManyRequests once spent. A request with no known client IP
 * is not limited here (see clientIpKey).
 */
export async function limitAuthRequest(ip: string | null): Promise<void> {
  const key = clientIpKey(ip);
  if (key === null) return;
  const limiter = limiterOn(await rateLimitStore(), { keyPrefix: 'auth:requests', ...rateSettingFromEnv('ROSTER_AUTH_RATE_LIMIT_IP', '30/60') });
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new TooManyRequests(secondsUntilRetry(error), 'Too many requests.');
    throw error;
  }
}
