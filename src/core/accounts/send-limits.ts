import 'server-only';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

// Emails that anyone can make Roster send (password resets) or that a user sends to an address they type (change
// of email): limited per address, so nobody is flooded, and per client IP, so nobody floods. In process memory,
// like the sign-in limits: right for one server.
const limiters = new Map<string, RateLimiterMemory>();

function limiter(setting: string): RateLimiterMemory {
  let found = limiters.get(setting);
  if (!found) {
    const [points = NaN, duration = NaN] = setting.split('/').map(Number);
    if (!Number.isInteger(points) || !Number.isInteger(duration)) throw new Error(`Invalid mail rate limit "${setting}": use points/seconds, e.g. 3/3600`);
    found = new RateLimiterMemory({ keyPrefix: `mail:${setting}`, points, duration });
    limiters.set(setting, found);
  }
  return found;
}

const spent = async (setting: string, key: string) => {
  try {
    await limiter(setting).consume(key);
    return false;
  } catch (error) {
    if (error instanceof RateLimiterRes) return true;
    throw error;
  }
};

/** Whether the caller's IP has sent too many (ROSTER_MAIL_RATE_LIMIT_IP, default 20 an hour). */
export const ipSendLimitReached = (ip: string | null) => spent(process.env.ROSTER_MAIL_RATE_LIMIT_IP ?? '20/3600', `ip:${ip ?? 'unknown'}`);

/** Whether this address has been sent too many (ROSTER_MAIL_RATE_LIMIT_ADDRESS, default 3 an hour). */
export const addressSendLimitReached = (address: string) => spent(process.env.ROSTER_MAIL_RATE_LIMIT_ADDRESS ?? '3/3600', `address:${address.trim().toLowerCase()}`);
