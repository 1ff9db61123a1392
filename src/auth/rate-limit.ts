import 'server-only';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** `"20/60"`: 20 attempts per 60 seconds. */
function parseLimit(value: string | undefined, fallback: string) {
  const [points, seconds] = (value ?? fallback).split('/').map(Number);
  return { points: points!, duration: seconds! };
}

// In process memory: right for one server (the embedded database allows only one). Several instances behind a
// load balancer each count on their own; move these to rate-limiter-flexible's Redis store then.
const perIp = new RateLimiterMemory(parseLimit(process.env.ROSTER_AUTH_RATE_LIMIT_IP, '30/60'));
const perAccount = new RateLimiterMemory(parseLimit(process.env.ROSTER_AUTH_RATE_LIMIT_ACCOUNT, '10/600'));

export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${retryAfterSeconds} seconds.`);
  }
}

/** Counts one attempt against the caller's IP and, when known, the account; throws RateLimited once either is spent. */
export async function consumeAuthAttempt({ ip, account }: { ip: string | null; account?: string }): Promise<void> {
  try {
    await perIp.consume(ip ?? 'unknown');
    if (account) await perAccount.consume(account.trim().toLowerCase());
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new RateLimited(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    throw error;
  }
}
