// The overview scenario (PostgreSQL): the bench database grown to N users and M events (bench/overview-seed.ts, plus
// a realistic spread of activity: a few thousand users a day over 90 days), the rollup run once as the
// server's job would, then the overview (/dashboard?range=90d) and the users list (/users) fetched as the signed-in
// owner, alternating request by request on one client, so both see the same machine and the same moment, in
// rounds (--repeats) that swap which page goes first. The figure is the ratio of their medians over every round
// (target: the overview within 1.5× the users list); each round's own ratio and load average are reported too.
import os from 'node:os';
import pg from 'pg';
import { rollUpMetrics } from '@/core/metrics';
import { openDatabase } from '@/db/client';
import { credentials } from './auth';
import type { Failures } from './failures';
import type { Server } from './processes';
import { seedOverview, type SeededOverview } from './overview-seed';
import { percentile } from './stats';

export interface OverviewOptions {
  /** The users table grows to this many rows. */
  users: number;
  /** The event log grows to this many rows (failed sign-ins and ordinary changes over the last 90 days). */
  events: number;
  /** Measured requests per page per round (after a few unmeasured ones). */
  requests: number;
  rounds: number;
}

export interface OverviewRound {
  /** One-minute load average as the round began. */
  loadAverage: number;
  /** This round's overview median over its users-list median. */
  ratio: number;
}

export interface OverviewResult {
  users: number;
  events: number;
  activityRows: number;
  seedSeconds: number;
  rollupSeconds: number;
  overview: { p50: number; p90: number };
  usersList: { p50: number; p90: number };
  /** Overview median over users-list median, every round's requests pooled. */
  ratio: number;
  rounds: OverviewRound[];
  requestsPerRound: number;
}

export const overviewTarget = 1.5;

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
  let seeded: SeededOverview;
  try {
    seeded = await seedOverview(client, options);
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
  const rounds: OverviewRound[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const loadAverage = os.loadavg()[0]!;
    const roundTimes: number[][] = [[], []];
    // Every other round the users list goes first, so neither page always follows the other.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (let i = 0; i < options.requests; i++) {
      for (const index of order) roundTimes[index]!.push(await timedGet(next.origin, pages[index]!.path, pages[index]!.expected, failures, phase));
    }
    rounds.push({ loadAverage, ratio: percentile(roundTimes[0]!, 50) / percentile(roundTimes[1]!, 50) });
    for (const index of [0, 1]) times[index]!.push(...roundTimes[index]!);
  }
  const summary = (values: number[]) => ({ p50: percentile(values, 50), p90: percentile(values, 90) });
  const [overview, usersList] = [summary(times[0]!), summary(times[1]!)];
  return { ...seeded, rollupSeconds, overview, usersList, ratio: overview.p50 / usersList.p50, rounds, requestsPerRound: options.requests };
}
