import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordFailedAttempt } from '@/auth/brute-force';
import { limitAuthRequest } from '@/auth/request-limit';
import { TooManyRequests } from '@/core/errors';
import { logger } from '@/lib/logger';

// A request whose client IP is unknown (no TCP peer stamped) skips every per-IP limit: one shared "unknown" bucket
// would let any such caller spend it for all the others. Per-account limits still hold. Said once in the log.

const warn = vi.spyOn(logger, 'warn');
afterEach(() => vi.unstubAllEnvs());

describe('the auth endpoints’ per-IP request limit', () => {
  it('skips callers without a known IP, however many, and still limits a known one', async () => {
    vi.stubEnv('ROSTER_AUTH_RATE_LIMIT_IP', '2/60');
    for (let i = 0; i < 5; i++) await limitAuthRequest(null);
    await limitAuthRequest('192.0.2.40');
    await limitAuthRequest('192.0.2.40');
    await expect(limitAuthRequest('192.0.2.40')).rejects.toBeInstanceOf(TooManyRequests);
  });
});

describe('the brute-force defence', () => {
  it('skips the per-IP and per-pair limits without a known IP; the per-account backstop still applies', async () => {
    vi.stubEnv('ROSTER_AUTH_FAILURES_PER_ACCOUNT_IP', '1/900');
    vi.stubEnv('ROSTER_AUTH_FAILURES_PER_IP', '1/3600');
    vi.stubEnv('ROSTER_AUTH_FAILURES_PER_ACCOUNT', '3/86400');
    // Other accounts, as many as we like: with a shared "unknown" IP bucket the second would already be refused.
    for (let i = 0; i < 5; i++) await recordFailedAttempt({ account: `someone-${i}@example.com`, ip: null });
    // One account: three failures within its backstop, then growing delays (1 over: one a second; 2 and 3 over:
    // one per 2 s), so the sixth in a row waits.
    for (let i = 0; i < 5; i++) await recordFailedAttempt({ account: 'target@example.com', ip: null });
    await expect(recordFailedAttempt({ account: 'target@example.com', ip: null })).rejects.toBeInstanceOf(TooManyRequests);
    // With a known IP the pair limit holds at once.
    await recordFailedAttempt({ account: 'other@example.com', ip: '192.0.2.41' });
    await expect(recordFailedAttempt({ account: 'other@example.com', ip: '192.0.2.41' })).rejects.toBeInstanceOf(TooManyRequests);
  });
});

describe('the log', () => {
  it('warns once per process, not once per request', () => {
    expect(warn.mock.calls.filter(([message]) => typeof message === 'string' && message.includes('no known client IP'))).toHaveLength(1);
  });
});
