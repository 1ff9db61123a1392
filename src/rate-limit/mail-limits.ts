import 'server-only';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { MailRequest, SendBudget, SendLimits } from '@/core/accounts';
import { requestClientIp } from '@/http/request-client-ip';
import { rateSettingFromEnv } from './setting';
import { limiterOn, rateLimitStore, secondsUntilRetry } from './store';

/** Each budget's setting (`points/seconds`) and its default. */
const settings: Record<SendBudget, { variable: string; fallback: string }> = {
  ip: { variable: 'ROSTER_MAIL_RATE_LIMIT_IP', fallback: '20/3600' },
  account: { variable: 'ROSTER_MAIL_RATE_LIMIT_ACCOUNT', fallback: '20/3600' },
  address: { variable: 'ROSTER_MAIL_RATE_LIMIT_ADDRESS', fallback: '3/3600' },
};

/**
 * The core's send budgets counted in the process's rate-limit store (PostgreSQL or Redis when configured), like
 * the sign-in limits, so several instances count against one budget.
 */
export const mailSendLimits: SendLimits = {
  async spend(budget, key) {
    const { variable, fallback } = settings[budget];
    const limiter = limiterOn(await rateLimitStore(), { keyPrefix: 'mail', ...rateSettingFromEnv(variable, fallback) });
    try {
      await limiter.consume(`${budget}:${key}`);
      return null;
    } catch (error) {
      if (error instanceof RateLimiterRes) return secondsUntilRetry(error);
      throw error;
    }
  },
};

/** A request's side of the send limits: its client IP (as the auth limits see it) and the shared budgets. */
export const mailRequestFrom = (source: Request | Headers | undefined): MailRequest => ({ ip: requestClientIp(source), sendLimits: mailSendLimits });
