import 'server-only';
import { sql } from 'drizzle-orm';
import type { Database } from '@/db/client';

/** The UTC day of `at` as `YYYY-MM-DD`: what activity, rollups and the overview count by. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** What the recorder is told about a use of Roster. */
export interface ActivityUse {
  userId: string;
  /**
   * True when the session is an impersonation (staff acting as the user): that is not the user being active, so
   * nothing is written. Impersonation's sessions pass it; every other caller leaves it out.
   */
  impersonated?: boolean;
}

// `${userId}:${day}` already written by this process: the next use that day costs no round trip at all. Cleared
// when the day changes, or when full (then some users cost one more ON CONFLICT DO NOTHING that day), so its memory
// stays bounded however many users are active.
const rememberedMax = 100_000;
let recordedDay = '';
const recorded = new Set<string>();

/**
 * Marks `userId` active today (sign-in, session refresh, API use): at most one row per user per day, written with
 * ON CONFLICT DO NOTHING (several instances may race) and skipped in-process once written. The instance whose row
 * is the day's first also stamps the user's `last_active_at` (the users list's column and sort) in the same
 * statement, so the list costs no write of its own: last active is the start of the latest day the user was active.
 */
export async function recordActivity(db: Database, { userId, impersonated = false }: ActivityUse, now = new Date()): Promise<void> {
  if (impersonated) return;
  const day = utcDay(now);
  if (day !== recordedDay || recorded.size >= rememberedMax) {
    recorded.clear();
    recordedDay = day;
  }
  const key = `${userId}:${day}`;
  if (recorded.has(key)) return;
  await db.execute(sql`
    WITH first_today AS (
      INSERT INTO user_activity_days (user_id, day) VALUES (${userId}, ${day}) ON CONFLICT DO NOTHING RETURNING user_id
    )
    UPDATE users SET last_active_at = ${now.toISOString()}::timestamptz WHERE id IN (SELECT user_id FROM first_today)`);
  recorded.add(key);
}
