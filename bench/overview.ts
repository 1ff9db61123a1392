// The overview scenario (PostgreSQL): the bench database grown to N users and M events (one INSERT … generate_series
// each, plus a realistic spread of activity: a few thousand users a day over 90 days), the rollup run once as the
// server's job would, then the overview (/dashboard?range=90d) and the users list (/users) fetched as the signed-in
// owner, alternating request by request on one client, so both see the same machine and the same moment. The
// figure is the ratio of their medians (target: the overview within 1.5× the users list).
import pg from 'pg';
import { rollUpMetrics } from '@/core/metrics';
import { openDatabase } from '@/db/client';
import { credentials } from './auth';
import type { Failures } from './failures';
import type { Server } from './processes';
import { percentile } from './stats';

export interface OverviewOptions {
  /** The users table grows to this many rows. */
  users: number;
  /** Events (failed sign-ins and ordinary changes) seeded over the last 90 days. */
  events: number;
  /** Measured requests per page (after a few unmeasured ones). */
  requests: number;
}

export interface OverviewResult {
  users: number;
  events: number;
  activityRows: number;
  rollupSeconds: number;
  overview: { p50: number; p90: number };
  usersList: { p50: number; p90: number };
  /** Overview median over users-list median. */
  ratio: number;
}

export const overviewTarget = 1.5;

async function seed(client: pg.Client, { users, events }: OverviewOptions): Promise<{ users: number; activityRows: number }> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM users');
  const more = Math.max(0, users - Number(rows[0]!.n));
  // Created across the last two years, so sign-ups per day have something to count.
  await client.query(
    `INSERT INTO users (id, email, name, role, plan, created_at, updated_at)
     SELECT gen_random_uuid(), 'overview' || i || '@bench.example', 'Overview user ' || i, 'member',
            (ARRAY['free','free','free','pro','team'])[1 + i % 5], now() - (i % 730) * interval '1 day' - (i % 86400) * interval '1 second', now()
     FROM generate_series(1, $1::int) AS i`,
    [more],
  );
  await client.query(
    `INSERT INTO audit_events (id, actor, door, action, subject_type, subject_id, changes, created_at)
     SELECT gen_random_uuid(), 'anonymous', 'api', CASE WHEN i % 20 = 0 THEN 'user.sign-in-failed' ELSE 'user.updated' END,
            'user', 'bench', '{}'::jsonb, now() - (i % 7776000) * interval '1 second'
     FROM generate_series(1, $1::int) AS i`,
    [events],
  );
  // About 5,000 active users a day for 90 days, drawn from the newest 50,000.
  await client.query(
    `INSERT INTO user_activity_days (user_id, day)
     SELECT u.id, (now() AT TIME ZONE 'UTC')::date - d
     FROM generate_series(0, 89) AS d
     CROSS JOIN LATERAL (SELECT id FROM users ORDER BY created_at DESC OFFSET (d * 523) % 45000 LIMIT 5000) AS u
     ON CONFLICT DO NOTHING`,
  );
  await client.query('ANALYZE');
  const counted = await client.query<{ users: string; activity: string }>('SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM user_activity_days) AS activity');
  return { users: Number(counted.rows[0]!.users), activityRows: Number(counted.rows[0]!.activity) };
}

async function timedGet(origin: string, path: string, expected: string, failures: Failures, phase: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${origin}${path}`, { headers: credentials.console, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200 || !body.includes(expected)) failures.add(`${phase}: ${path} answered ${response.status} without “${expected}”`);
  return ms;
}

export async function measureOverview(next: Server, url: string, options: OverviewOptions, failures: Failures, phase: string): Promise<OverviewResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let seeded: { users: number; activityRows: number };
  try {
    seeded = await seed(client, options);
  } finally {
    await client.end();
  }
  const handle = await openDatabase({ driver: 'postgres', url });
  const rollupStarted = performance.now();
  try {
    await rollUpMetrics(handle.db);
  } finally {
    await handle.close();
  }
  const rollupSeconds = (performance.now() - rollupStarted) / 1000;

  const pages = [
    { path: '/dashboard?range=90d', expected: '>Overview</h1>' },
    { path: '/users', expected: '>Users</h1>' },
  ];
  for (let i = 0; i < 3; i++) for (const page of pages) await timedGet(next.origin, page.path, page.expected, failures, phase);
  const times: number[][] = [[], []];
  for (let i = 0; i < options.requests; i++) {
    for (const [index, page] of pages.entries()) times[index]!.push(await timedGet(next.origin, page.path, page.expected, failures, phase));
  }
  const summary = (values: number[]) => ({ p50: percentile(values, 50), p90: percentile(values, 90) });
  const [overview, usersList] = [summary(times[0]!), summary(times[1]!)];
  return { users: seeded.users, events: options.events, activityRows: seeded.activityRows, rollupSeconds, overview, usersList, ratio: overview.p50 / usersList.p50 };
}
