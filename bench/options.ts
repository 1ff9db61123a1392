// Command line of `npm run bench`: what to run, how long, where to write. Full run and --smoke differ only here.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

export const scenarioNames = ['update', 'revalidation', 'floors', 'roundtrip', 'create', 'delete', 'read', 'members'] as const;
export type ScenarioName = (typeof scenarioNames)[number];
/** Scenarios measured on their own terms rather than door against door: the streaming doors, and the overview page. */
export const streamScenarioNames = ['fanout', 'export', 'overview', 'import'] as const;
export type StreamScenarioName = (typeof streamScenarioNames)[number];
export type DatabaseKind = 'pglite' | 'postgres';

export interface BenchOptions {
  smoke: boolean;
  /** Users seeded before the run (the deletable users for the delete scenario come on top, older than all). */
  users: number;
  /** Each measurement is repeated this often; the report shows the median and the min–max. */
  repeats: number;
  /** One client, one request at a time: requests per door per repeat (the doors take turns request by request). */
  sequentialRequests: number;
  /**
   * Concurrent load (autocannon): about this many seconds per door per run. Runs are counted in requests, sized
   * from the door's warm-up throughput, so a slower machine runs longer instead of getting fewer answers.
   */
  durationSeconds: number;
  /** Delete runs send at most this many requests (each deletes a user that exists only once). */
  deleteMaxRequests: number;
  connections: number[];
  /** Unmeasured requests per connection per door, under load, before a scenario's first measurement. */
  warmupRequestsPerConnection: number;
  databases: DatabaseKind[];
  scenarios: ScenarioName[];
  streams: StreamScenarioName[];
  /** Fan-out: SSE subscribers, events written, and the steady rate they are written at. */
  fanout: { subscribers: number; events: number; writesPerSecond: number };
  /**
   * Members scenario: organizations and memberships seeded on PostgreSQL (PGlite, one process per data directory,
   * gets a tenth: see bench/organizations.ts).
   */
  organizations: number;
  memberships: number;
  /** Export (PostgreSQL only: it compares with COPY): users seeded for it on top of the bench's own. */
  exportUsers: number;
  /** Import: users posted as NDJSON with bcrypt hashes (and, on PostgreSQL, COPYed for the floor). */
  importRows: number;
  /** Overview (PostgreSQL only): the users table grows to this many rows, with this many events, before /dashboard is timed against /users. */
  overview: { users: number; events: number };
  /** Profile the update path with --cpu-prof after each database's measurements. */
  profile: boolean;
  /** Each door's profile window, in seconds of load; every round profiles every door once, in turn. */
  profileSeconds: number;
  profileRounds: number;
  /** Where latest.md / latest.json / latest.svg go. */
  outDir: string;
  /** The bench's servers listen on the first free ports from here up. */
  basePort: number;
  /** A request taking longer than this is a timeout, and a timeout fails the run. */
  timeoutSeconds: number;
}

const usage = `Usage: npm run bench -- [--smoke] [--users N] [--repeats N] [--requests N] [--duration S] [--delete-max N]
                       [--connections 10,50] [--db pglite,postgres] [--scenarios ${scenarioNames.join(',')}|none]
                       [--streams ${streamScenarioNames.join(',')}|none] [--subscribers N] [--events N]
                       [--export-users N] [--import-rows N] [--overview-users N] [--overview-events N] [--organizations N] [--memberships N]
                       [--no-profile] [--out DIR] [--port N]`;

/** A bad command line: run.ts prints the message (which includes the usage) and exits 2. */
export class UsageError extends Error {}

export function parseOptions(argv: string[]): BenchOptions {
  try {
    return parse(argv);
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

function parse(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      smoke: { type: 'boolean', default: false },
      users: { type: 'string' },
      repeats: { type: 'string' },
      requests: { type: 'string' },
      duration: { type: 'string' },
      'delete-max': { type: 'string' },
      connections: { type: 'string' },
      db: { type: 'string' },
      scenarios: { type: 'string' },
      streams: { type: 'string' },
      subscribers: { type: 'string' },
      events: { type: 'string' },
      'export-users': { type: 'string' },
      'import-rows': { type: 'string' },
      'overview-users': { type: 'string' },
      'overview-events': { type: 'string' },
      organizations: { type: 'string' },
      memberships: { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      out: { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const smoke = values.smoke ?? false;
  const number = (name: string, value: string | undefined, fallback: number, min = 1): number => {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min) throw new UsageError(`--${name} must be a number >= ${min}, got "${value}"\n${usage}`);
    return parsed;
  };
  const list = <T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T[]): T[] => {
    if (value === undefined) return fallback;
    const items = value.split(',').map((item) => item.trim()).filter(Boolean);
    for (const item of items) if (!allowed.includes(item as T)) throw new UsageError(`--${name}: unknown "${item}" (use ${allowed.join(', ')})`);
    return items as T[];
  };

  const connections = (values.connections ?? '10,50').split(',').map((c) => number('connections', c, 0));
  return {
    smoke,
    users: Math.round(number('users', values.users, smoke ? 200 : 10_000)),
    repeats: Math.round(number('repeats', values.repeats, smoke ? 1 : 3)),
    sequentialRequests: Math.round(number('requests', values.requests, smoke ? 8 : 100)),
    durationSeconds: number('duration', values.duration, smoke ? 1 : 2, 0.1),
    deleteMaxRequests: Math.round(number('delete-max', values['delete-max'], smoke ? 150 : 1_500)),
    connections,
    warmupRequestsPerConnection: smoke ? 2 : 10,
    databases: list('db', values.db, ['pglite', 'postgres'] as const, smoke ? ['pglite'] : ['pglite', 'postgres']),
    scenarios: values.scenarios === 'none' ? [] : list('scenarios', values.scenarios, scenarioNames, [...scenarioNames]),
    streams: values.streams === 'none' ? [] : list('streams', values.streams, streamScenarioNames, [...streamScenarioNames]),
    fanout: {
      subscribers: Math.round(number('subscribers', values.subscribers, smoke ? 20 : 1_000)),
      events: Math.round(number('events', values.events, smoke ? 10 : 200)),
      writesPerSecond: 20,
    },
    organizations: Math.round(number('organizations', values.organizations, smoke ? 100 : 10_000)),
    memberships: Math.round(number('memberships', values.memberships, smoke ? 1_000 : 100_000)),
    exportUsers: Math.round(number('export-users', values['export-users'], smoke ? 5_000 : 1_000_000)),
    importRows: Math.round(number('import-rows', values['import-rows'], smoke ? 1_000 : 100_000)),
    overview: {
      users: Math.round(number('overview-users', values['overview-users'], smoke ? 5_000 : 1_000_000)),
      events: Math.round(number('overview-events', values['overview-events'], smoke ? 20_000 : 5_000_000)),
    },
    profile: !smoke && !values['no-profile'],
    // Rounds, not one long window per door: load the machine picks up or sheds mid-profile then lands on every
    // door alike, instead of on whichever door was being profiled.
    profileSeconds: 4,
    profileRounds: 3,
    // A smoke run proves the harness works; it never replaces the published results.
    outDir: path.resolve(values.out ?? (smoke ? path.join(os.tmpdir(), 'roster-bench-smoke') : path.join(import.meta.dirname, 'results'))),
    basePort: Math.round(number('port', values.port, 3200, 1024)),
    timeoutSeconds: 10,
  };
}
