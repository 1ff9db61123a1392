import 'server-only';
import { recordActivity, type ActivityUse } from '@/core/metrics';
import type { Database } from '@/db/client';
import { logger } from '@/lib/logger';

/**
 * Whether a session is an impersonation. Better Auth's admin plugin marks such sessions with `impersonatedBy`;
 * impersonation sets it, and this is the one place that reads it, so activity never counts staff acting as a user.
 */
export const isImpersonation = (session: object): boolean => Boolean((session as { impersonatedBy?: unknown }).impersonatedBy);

/**
 * Records that a user was active today (sign-in, a session refresh, an API call with their token). A
 * failure is logged, never passed on: a missed activity mark must not refuse a sign-in or a request.
 */
export async function noteActivity(db: Database, use: ActivityUse): Promise<void> {
  try {
    await recordActivity(db, use);
  } catch (error) {
    logger.warn({ err: error, userId: use.userId }, 'could not record user activity');
  }
}

/** noteActivity for a Better Auth session (sign-in, refresh): its user, unless it is an impersonation. */
export const noteSessionActivity = (db: Database, session: { userId: string }) => noteActivity(db, { userId: session.userId, impersonated: isImpersonation(session) });
