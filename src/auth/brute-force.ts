import 'server-only';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequests } from '@/core/errors';
import { clientIpKey } from '@/rate-limit/client-ip-key';
import { rateSettingFromEnv } from '@/rate-limit/setting';
import { limiterOn, rateLimitStore, secondsUntilRetry } from '@/rate-limit/store';

// The brute-force defence of everything that checks a secret a person types (password, later a second factor),
// after Auth0's default model. Failures are counted, never successes:
// - per account and client IP: 10 failures in a row block that pair for 15 minutes; a success resets it. The
//   owner signing in from their own device is never refused because someone else guessed from elsewhere.
// - per client IP across accounts: an address failing on many accounts is throttled (credential stuffing).
// - per account, from anywhere: only a high backstop, and past it growing delays (1 s, 2 s, ... 64 s between
//   attempts on the account), never a hard lock; an address that signed in to the account before is exempt, so
//   a distributed guesser slows to a crawl while the owner's own devices are never made to wait.
// Every attempt counts as a failure *before* the secret is checked, atomically in the store, and is forgiven when
// it succeeds: parallel attempts can't slip through between a check and an increment.

export interface AttemptKey {
  /** What the secret is for: the email typed (known account or not, so the answers can't tell them apart). */
  account: string;
  ip: string | null;
}

const MAX_DELAY_LEVEL = 6; // 2^6 = 64 s between attempts at most
// 14 days: under the 24.8 days a timer can hold, which the in-memory store expires keys with.
const KNOWN_PAIR_SECONDS = 14 * 24 * 3600;

/** The defence's limiters on the process's store, for the current settings. */
async function limiters() {
  const store = await rateLimitStore();
  const pair = rateSettingFromEnv('ROSTER_AUTH_FAILURES_PER_ACCOUNT_IP', '10/900');
  const ip = rateSettingFromEnv('ROSTER_AUTH_FAILURES_PER_IP', '100/3600');
  const account = rateSettingFromEnv('ROSTER_AUTH_FAILURES_PER_ACCOUNT', '100/86400');
  return {
    pair: limiterOn(store, { keyPrefix: 'auth:pair', ...pair, blockDuration: pair.duration }),
    ip: limiterOn(store, { keyPrefix: 'auth:ip', ...ip, blockDuration: ip.duration }),
    account: limiterOn(store, { keyPrefix: 'auth:account', ...account }),
    accountPoints: account.points,
    // One attempt per 2^level seconds on the account; the level grows with the failures past the backstop.
    delay: (level: number) => limiterOn(store, { keyPrefix: `auth:delay${level}`, points: 1, duration: 2 ** level }),
    known: limiterOn(store, { keyPrefix: 'auth:known', points: 1, duration: KNOWN_PAIR_SECONDS }),
  };
}

/** The attempt's keys; the per-IP ones only when the client IP is known (clientIpKey), else those limits skip it. */
const keysOf = ({ account, ip }: AttemptKey) => {
  const normalized = account.trim().toLowerCase();
  const address = clientIpKey(ip);
  return { account: normalized, byIp: address === null ? null : { ip: address, pair: `${address} ${normalized}` } };
};

/**
 * Counts one failed attempt (a wrong password, a wrong second-factor code) against the account+IP pair, the IP
 * and the account, and throws TooManyRequests, saying when to retry, once any of them refuses. Sign-in calls it
 * before checking the password and forgives the attempt when it succeeds.
 */
export async function recordFailedAttempt(attempt: AttemptKey): Promise<void> {
  const limiter = await limiters();
  const { account, byIp } = keysOf(attempt);
  const refunds: (() => Promise<unknown>)[] = [];
  try {
    if (byIp) {
      await limiter.pair.consume(byIp.pair);
      refunds.push(() => limiter.pair.reward(byIp.pair));
      await limiter.ip.consume(byIp.ip);
      refunds.push(() => limiter.ip.reward(byIp.ip));
    }
    const { consumedPoints } = await limiter.account.penalty(account);
    refunds.push(() => limiter.account.reward(account));
    const over = consumedPoints - limiter.accountPoints;
    if (over > 0 && !(byIp && (await limiter.known.get(byIp.pair)))) {
      await limiter.delay(Math.min(Math.floor(Math.log2(over)), MAX_DELAY_LEVEL)).consume(account);
    }
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    // A refused attempt checks no secret: it is not a failure of the limiters that had let it through.
    await Promise.all(refunds.map((refund) => refund()));
    throw new TooManyRequests(secondsUntilRetry(error), 'Too many failed sign-in attempts.');
  }
}

/** The attempt succeeded: its pair starts afresh and is known from now on, and the IP and account get it back. */
export async function forgiveAttempt(attempt: AttemptKey): Promise<void> {
  const limiter = await limiters();
  const { account, byIp } = keysOf(attempt);
  await Promise.all([
    limiter.account.reward(account),
    ...(byIp ? [limiter.pair.delete(byIp.pair), limiter.ip.reward(byIp.ip), limiter.known.set(byIp.pair, 1, KNOWN_PAIR_SECONDS)] : []),
  ]);
}
