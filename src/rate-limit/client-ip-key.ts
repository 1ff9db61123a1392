import 'server-only';
import { logger } from '@/lib/logger';

let warned = false;

/**
 * The key a per-IP limit counts this request under: its client IP, or null when none is known (no ingress of this
 * process stamped the TCP peer). Null means "skip the per-IP limit for this request"; the per-account limits still
 * apply. Never one shared "unknown" bucket: any one such caller could spend it for every other. Logged once per
 * process, as it means the server is reached in a way that hides its clients' addresses.
 */
export function clientIpKey(ip: string | null): string | null {
  if (ip === null && !warned) {
    warned = true;
    logger.warn('a request came with no known client IP (no TCP peer stamped by the server): per-IP limits are skipped for such requests');
  }
  return ip;
}
