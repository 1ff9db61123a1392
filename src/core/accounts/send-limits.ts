import 'server-only';
import { TooManyRequests } from '../errors';

/**
 * The budgets of email that a request can make Roster send: per client IP (nobody floods), per account that asks
 * (a user, the new account at sign-up, an API key) and per recipient address (nobody is flooded).
 */
export type SendBudget = 'ip' | 'account' | 'address';

/**
 * Where the budgets are counted: a port, so the core decides what is spent and an adapter keeps the counters
 * (src/rate-limit/mail-limits.ts: the shared rate-limit store, so every instance spends from one budget).
 */
export interface SendLimits {
  /** Spends one send of `budget` under `key`: null when there was one, else the seconds until there is again. */
  spend(budget: SendBudget, key: string): Promise<number | null>;
}

/** What a use case that emails someone on request needs from its door: the client IP (null: unknown) and the budgets. */
export interface MailRequest {
  ip: string | null;
  sendLimits: SendLimits;
}

const order: readonly SendBudget[] = ['ip', 'account', 'address'];

/**
 * Spends one send from each budget given, IP first, stopping at the first already spent: that one, with the seconds
 * to wait, or null when all had room. An unknown IP is not counted per IP (a null IP would otherwise put every such
 * caller in one shared bucket); the other budgets still apply. Callers spend before the transaction that queues the
 * mail, so counting never holds a transaction open.
 */
export async function spentSendBudget(
  { ip, sendLimits }: MailRequest,
  keys: Partial<Record<Exclude<SendBudget, 'ip'>, string>>,
): Promise<{ budget: SendBudget; retryAfterSeconds: number } | null> {
  const byBudget: Partial<Record<SendBudget, string | null>> = { ip, ...keys };
  for (const budget of order) {
    const key = byBudget[budget];
    if (key == null) continue;
    const retryAfterSeconds = await sendLimits.spend(budget, key);
    if (retryAfterSeconds !== null) return { budget, retryAfterSeconds };
  }
  return null;
}

const refusals: Record<SendBudget, string> = {
  ip: 'Too many emails requested from this network.',
  account: 'Too many emails requested by this account.',
  address: 'Too many emails to this address.',
};

/** As spentSendBudget, but a spent budget is a TooManyRequests that says which (a 429 with Retry-After on the API). */
export async function spendSendLimits(request: MailRequest, keys: Partial<Record<Exclude<SendBudget, 'ip'>, string>>): Promise<void> {
  const spent = await spentSendBudget(request, keys);
  if (spent) throw new TooManyRequests(spent.retryAfterSeconds, refusals[spent.budget]);
}
