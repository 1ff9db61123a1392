import 'server-only';
import { sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { auditEvents, metricsDaily, metricsTotals, organizations, sessions, userActivityDays, users } from '@/db/schema';
import { utcDay } from './activity';
import { metricsRanges } from './schemas';

const dayMs = 24 * 60 * 60 * 1000;
/** The longest range the overview shows: the days each pass makes sure are rolled up. */
const windowDays = Math.max(...Object.values(metricsRanges));

/**
 * One pass of the overview's rollup as of `now`:
 * - every day of the last 90 (UTC) whose row is missing or was computed before the day ended (today, and a
 *   yesterday last seen before midnight) gets its sign-ups, daily/weekly/monthly active users and failed sign-ins
 *   recounted, each an indexed range count; finished days are never counted again;
 * - the totals (users, organizations, active sessions, users per plan) are recounted.
 * Idempotent, so several instances may run it at once.
 */
export async function rollUpMetrics(db: Database, now = new Date()): Promise<void> {
  const to = utcDay(now);
  const from = utcDay(new Date(now.getTime() - (windowDays - 1) * dayMs));
  await db.execute(sql`
    INSERT INTO ${metricsDaily} (day, sign_ups, active_users, weekly_active_users, monthly_active_users, failed_sign_ins, computed_at)
    SELECT d.day,
      (SELECT count(*) FROM ${users} u WHERE u.created_at >= d.start AND u.created_at < d.start + interval '1 day'),
      (SELECT count(*) FROM ${userActivityDays} a WHERE a.day = d.day),
      (SELECT count(DISTINCT a.user_id) FROM ${userActivityDays} a WHERE a.day BETWEEN d.day - 6 AND d.day),
      (SELECT count(DISTINCT a.user_id) FROM ${userActivityDays} a WHERE a.day BETWEEN d.day - 29 AND d.day),
      (SELECT count(*) FROM ${auditEvents} e WHERE e.action = 'user.sign-in-failed' AND e.created_at >= d.start AND e.created_at < d.start + interval '1 day'),
      ${now}
    FROM (
      SELECT g::date AS day, g AT TIME ZONE 'UTC' AS start
      FROM generate_series(${from}::timestamp, ${to}::timestamp, interval '1 day') AS g
    ) AS d
    WHERE NOT EXISTS (SELECT 1 FROM ${metricsDaily} m WHERE m.day = d.day AND m.computed_at >= d.start + interval '1 day')
    ON CONFLICT (day) DO UPDATE SET
      sign_ups = excluded.sign_ups, active_users = excluded.active_users, weekly_active_users = excluded.weekly_active_users,
      monthly_active_users = excluded.monthly_active_users, failed_sign_ins = excluded.failed_sign_ins, computed_at = excluded.computed_at`);
  await db.execute(sql`
    INSERT INTO ${metricsTotals} (id, users, organizations, active_sessions, users_per_plan, computed_at)
    SELECT 1,
      (SELECT count(*) FROM ${users}),
      (SELECT count(*) FROM ${organizations}),
      (SELECT count(*) FROM ${sessions} s WHERE s.expires_at > ${now}),
      coalesce((SELECT jsonb_object_agg(p.plan, p.n) FROM (SELECT plan, count(*) AS n FROM ${users} GROUP BY plan) AS p), '{}'::jsonb),
      ${now}
    ON CONFLICT (id) DO UPDATE SET
      users = excluded.users, organizations = excluded.organizations, active_sessions = excluded.active_sessions,
      users_per_plan = excluded.users_per_plan, computed_at = excluded.computed_at`);
}
