// bench/scim.ts --profile: where a create's time goes, SCIM against the API. The server runs under node --cpu-prof;
// each create window of each door is kept (on the monotonic clock V8's profile uses), with the PostgreSQL server's
// CPU (/proc) and the database's commits and rows written (pg_stat_database) around it, so the report can say, per
// request and per door: server CPU by layer, database CPU, transactions (each statement outside BEGIN is one), rows.
import pg from 'pg';
import { fixed } from './format';
import { postgresCpuMs, postgresCpuMsBetween } from './postgres-cpu';
import { findProfile, mergeLoads, summariseProfile, type ProfiledLoad, type ProfileSummary } from './profile';

interface DatabaseCounters {
  commits: number;
  inserted: number;
  updated: number;
}

export interface DoorCost {
  door: string;
  requests: number;
  databaseCpuMsPerRequest: number;
  commitsPerRequest: number;
  rowsInsertedPerRequest: number;
  rowsUpdatedPerRequest: number;
  profile: ProfileSummary;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** Measures each door's create windows; `summarise` reads the server's profile once it has exited. */
export class CreateProfiler {
  private readonly loads = new Map<string, ProfiledLoad>();
  private readonly counters = new Map<string, DatabaseCounters>();

  constructor(
    private readonly databaseUrl: string,
    readonly profileDir: string,
  ) {}

  /** Node's flags for the profiled server: the profile is written into profileDir when it exits. */
  get serverArgs(): string[] {
    return ['--cpu-prof', `--cpu-prof-dir=${this.profileDir}`];
  }

  /** Runs one window of `door`'s load (`work` answers how many requests it made), measured. */
  async window(door: string, work: () => Promise<number>): Promise<number> {
    const countersBefore = await this.readCounters();
    const cpuBefore = postgresCpuMs();
    const fromUs = nowUs();
    const requests = await work();
    const toUs = nowUs();
    const databaseCpuMs = postgresCpuMsBetween(cpuBefore, postgresCpuMs());
    const countersAfter = await this.readCounters();
    const seconds = (toUs - fromUs) / 1e6;
    const load: ProfiledLoad = { database: 'postgres', scenario: 'update', door, requests, requestsPerSecond: requests / seconds, windows: [{ fromUs, toUs }], databaseCpuMs };
    this.loads.set(door, mergeLoads(this.loads.get(door), load));
    const sum = this.counters.get(door) ?? { commits: 0, inserted: 0, updated: 0 };
    this.counters.set(door, {
      commits: sum.commits + countersAfter.commits - countersBefore.commits,
      inserted: sum.inserted + countersAfter.inserted - countersBefore.inserted,
      updated: sum.updated + countersAfter.updated - countersBefore.updated,
    });
    return requests;
  }

  summarise(): DoorCost[] {
    const loads = [...this.loads.values()];
    return summariseProfile(findProfile(this.profileDir), loads).map((profile) => {
      const counters = this.counters.get(profile.door)!;
      const per = (value: number) => value / Math.max(1, profile.requests);
      return {
        door: profile.door,
        requests: profile.requests,
        databaseCpuMsPerRequest: profile.databaseCpuMsPerRequest ?? Number.NaN,
        commitsPerRequest: per(counters.commits),
        rowsInsertedPerRequest: per(counters.inserted),
        rowsUpdatedPerRequest: per(counters.updated),
        profile,
      };
    });
  }

  // Backends publish their counts at most once a second (PostgreSQL 15+), so a window's edges blur by about that
  // much: these are averages over windows of several seconds, not exact counts.
  private async readCounters(): Promise<DatabaseCounters> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      // The statistics snapshot is per transaction: clear it so this read sees what the server counted until now.
      await client.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await client.query<{ commits: string; inserted: string; updated: string }>(
        'SELECT xact_commit AS commits, tup_inserted AS inserted, tup_updated AS updated FROM pg_stat_database WHERE datname = current_database()',
      );
      return { commits: Number(rows[0]!.commits), inserted: Number(rows[0]!.inserted), updated: Number(rows[0]!.updated) };
    } finally {
      await client.end();
    }
  }
}

/** The two doors side by side, per request: totals first, then the server's CPU layer by layer. */
export function profileReport(costs: DoorCost[]): string {
  const [scim, api] = ['scim', 'api'].map((door) => costs.find((cost) => cost.door === door)!) as [DoorCost, DoorCost];
  const layerMs = (cost: DoorCost, layer: string) => (cost.profile.layers.find((entry) => entry.layer === layer)?.ms ?? 0) / Math.max(1, cost.requests);
  const layers = [...new Set([scim, api].flatMap((cost) => cost.profile.layers.map((entry) => entry.layer)))]
    .filter((layer) => Math.max(layerMs(scim, layer), layerMs(api, layer)) >= 0.05)
    .sort((a, b) => layerMs(scim, b) - layerMs(scim, a));
  const row = (what: string, value: (cost: DoorCost) => number) => `| ${what} | ${fixed(value(scim))} | ${fixed(value(api))} | ${fixed(value(scim) - value(api))} |`;
  return [
    '| Per create | SCIM | REST API | SCIM − API |',
    '|---|---|---|---|',
    row('requests/s under the profiler', (cost) => cost.profile.requestsPerSecond),
    row('server CPU, ms', (cost) => cost.profile.cpuMsPerRequest),
    row('PostgreSQL CPU, ms', (cost) => cost.databaseCpuMsPerRequest),
    row('database commits (BEGIN…COMMIT or one statement; background work included)', (cost) => cost.commitsPerRequest),
    row('rows inserted', (cost) => cost.rowsInsertedPerRequest),
    row('rows updated', (cost) => cost.rowsUpdatedPerRequest),
    ...layers.map((layer) => row(`server CPU: ${layer}, ms`, (cost) => layerMs(cost, layer))),
    '',
  ].join('\n');
}
