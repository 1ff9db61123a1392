import 'server-only';
import type { RateLimitQuota } from '@/core/errors';

/**
 * `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers): the caller's budget (q requests
 * per w seconds) and what is left of it (r requests, for t more seconds), as Structured Fields.
 */
export function rateLimitHeaders(quota: RateLimitQuota): Record<string, string> {
  return {
    'RateLimit-Policy': `"${quota.policy}";q=${quota.limit};w=${quota.windowSeconds}`,
    RateLimit: `"${quota.policy}";r=${quota.remaining};t=${quota.resetSeconds}`,
  };
}
