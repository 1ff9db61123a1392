import 'server-only';

/**
 * How long Roster keeps each kind of record once it has served its purpose, in days. Past it, the hourly purge
 * (src/server/retention-purge.ts) deletes it. Every setting is an environment variable with a default.
 */
export interface RetentionPolicy {
  /** Outgoing webhook deliveries that succeeded or failed for good (their payloads are the events' DTOs). */
  webhookDeliveries: number;
  /** Stripe events that were processed, ignored or failed for good (their payloads carry the customer's details). */
  stripeEvents: number;
  /** Emails sent, failed or kept (recipient, subject; a kept one also its body and link). */
  mail: number;
  /** Reset, verification and change-of-email links, counted from when they expired or were used. */
  accountTokens: number;
  /** Invitations accepted, revoked or expired, counted from then. */
  invitations: number;
}

const settings: Record<keyof RetentionPolicy, { variable: string; fallback: number }> = {
  webhookDeliveries: { variable: 'ROSTER_WEBHOOK_DELIVERY_RETENTION_DAYS', fallback: 30 },
  stripeEvents: { variable: 'ROSTER_STRIPE_EVENT_RETENTION_DAYS', fallback: 30 },
  mail: { variable: 'ROSTER_MAIL_RETENTION_DAYS', fallback: 30 },
  accountTokens: { variable: 'ROSTER_ACCOUNT_TOKEN_RETENTION_DAYS', fallback: 7 },
  invitations: { variable: 'ROSTER_INVITATION_RETENTION_DAYS', fallback: 30 },
};

/** A positive number of days from `variable`, or `fallback` when it is unset; throws naming the variable otherwise. */
export function daysFromEnv(variable: string, fallback: number, env: Record<string, string | undefined> = process.env): number {
  const raw = env[variable];
  const days = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(days) || days <= 0) throw new RangeError(`${variable} must be a positive number of days, got "${raw}"`);
  return days;
}

/** The policy from the environment: each setting checked, so a typo stops the server at start. */
export function retentionPolicyFromEnv(env: Record<string, string | undefined> = process.env): RetentionPolicy {
  const entries = Object.entries(settings).map(([kind, { variable, fallback }]) => [kind, daysFromEnv(variable, fallback, env)]);
  return Object.fromEntries(entries) as unknown as RetentionPolicy;
}
