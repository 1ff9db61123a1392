import 'server-only';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { rateSettingFromEnv } from '@/rate-limit/setting';
import { limiterOn, rateLimitStore } from '@/rate-limit/store';

// Emails that anyone can make Roster send (password resets) or that a user sends to an address they type (change
// of email): limited per address, so nobody is flooded, and per client IP, so nobody floods. Counted in the shared
// rate-limit store, like the sign-in limits, so several instances count against one budget.
const spent = async (variable: string, fallback: string, key: string) => {
  const limiter = limiterOn(await rateLimitStore(), { keyPrefix: 'mail', ...rateSettingFromEnv(variable, fallback) });
  try {
    await limiter.consume(key);
    return false;
  } catch (error) {
    if (error instanceof RateLimiterRes) return true;
    throw error;
  }
};

/** Whether the caller's IP has sent too many (ROSTER_MAIL_RATE_LIMIT_IP, default 20 an hour). */
export const ipSendLimitReached = (ip: string | null) => spent('ROSTER_MAIL_RATE_LIMIT_IP', '20/3600', `ip:${ip ?? 'unknown'}`);

/** Whether this address has been sent too many (ROSTER_MAIL_RATE_LIMIT_ADDRESS, default 3 an hour). */
export const addressSendLimitReached = (address: string) => spent('ROSTER_MAIL_RATE_LIMIT_ADDRESS', '3/3600', `address:${address.trim().toLowerCase()}`);
