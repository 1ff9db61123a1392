// The shape of bench/results/latest.json, and how a scenario's measurements accumulate into it.
import type { DoorKey, DoorRatio, Scenario, Term } from './scenarios';
import type { ExportResult } from './export';
import type { ImportResult } from './import';
import type { OverviewResult } from './overview';
import type { FanoutResult } from './fanout';
import type { LoadResult } from './load';
import type { ProfileSummary } from './profile';
import { percentile, spread, type Spread } from './stats';

export interface DoorResult {
  key: DoorKey;
  label: string;
  /** One client, one request at a time: per repeat. */
  sequential: { requests: number[]; p50: number[]; p99: number[] };
  /** Per number of connections, per repeat. */
  load: Record<string, { requests: number[]; requestsPerSecond: number[]; p50: number[]; p99: number[] }>;
}

export interface ScenarioResult {
  name: string;
  title: string;
  operation: string;
  doors: DoorResult[];
  ratios: DoorRatio[];
}

export interface DatabaseResult {
  kind: 'pglite' | 'postgres';
  description: string;
  scenarios: ScenarioResult[];
  fanout?: FanoutResult;
  export?: ExportResult;
  import?: ImportResult;
  overview?: OverviewResult;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  next: string;
  react: string;
  pglite: string;
  autocannon: string;
  commit: string;
  /** 1-minute load average before the run and after it: other work on the machine shows here. */
  loadAverage: { start: number; end: number };
}

export interface BenchResult {
  smoke: boolean;
  startedAt: string;
  finishedAt: string;
  wallSeconds: number;
  machine: Machine;
  authentication: string;
  settings: {
    users: number;
    /** Extra users, older than all others, that only the delete scenario touches. */
    deletableUsers: number;
    repeats: number;
    sequentialRequestsPerDoor: number;
    durationSeconds: number;
    deleteMaxRequestsPerRun: number;
    connections: number[];
    warmupRequestsPerConnection: number;
  };
  databases: DatabaseResult[];
  skipped: string[];
  profiles: ProfileSummary[];
}

export function emptyScenarioResult(scenario: Scenario, connections: number[]): ScenarioResult {
  return {
    name: scenario.name,
    title: scenario.title,
    operation: scenario.operation,
    ratios: scenario.ratios,
    doors: scenario.doors.map((door) => ({
      key: door.key,
      label: door.label,
      sequential: { requests: [], p50: [], p99: [] },
      load: Object.fromEntries(connections.map((c) => [String(c), { requests: [], requestsPerSecond: [], p50: [], p99: [] }])),
    })),
  };
}

export function recordSequential(result: ScenarioResult, latencies: Map<DoorKey, number[]>): void {
  for (const door of result.doors) {
    const values = latencies.get(door.key) ?? [];
    door.sequential.requests.push(values.length);
    door.sequential.p50.push(percentile(values, 50));
    door.sequential.p99.push(percentile(values, 99));
  }
}

export function recordLoad(result: ScenarioResult, key: DoorKey, connections: number, load: LoadResult): void {
  const entry = result.doors.find((door) => door.key === key)!.load[String(connections)]!;
  entry.requests.push(load.requests);
  entry.requestsPerSecond.push(load.requestsPerSecond);
  entry.p50.push(load.p50);
  entry.p99.push(load.p99);
}

/**
 * Cost of door a relative to door b (> 1: a is slower); either may be a sum of doors, less some (see Term). One
 * client: ratio of median p50 latencies. Concurrent: ratio of the cost of one request, 1 / median requests per second.
 */
export interface Ratio {
  a: Term;
  b: Term;
  sequentialP50: number;
  load: Record<string, number>;
}

export function ratiosOf(result: ScenarioResult): Ratio[] {
  const door = (key: DoorKey) => result.doors.find((entry) => entry.key === key)!;
  const total = (keys: DoorKey[], of: (entry: DoorResult) => number) => keys.reduce((sum, key) => sum + of(door(key)), 0);
  const sum = (term: Term, of: (entry: DoorResult) => number) =>
    typeof term === 'object' && !Array.isArray(term) ? total(term.sum, of) - total(term.less, of) : total([term].flat(), of);
  const p50 = (entry: DoorResult) => spread(entry.sequential.p50).median;
  const secondsPerRequest = (c: string) => (entry: DoorResult) => 1 / spread(entry.load[c]!.requestsPerSecond).median;
  return result.ratios.map(([a, b]) => ({
    a,
    b,
    sequentialP50: sum(a, p50) / sum(b, p50),
    load: Object.fromEntries(Object.keys(result.doors[0]!.load).map((c) => [c, sum(a, secondsPerRequest(c)) / sum(b, secondsPerRequest(c))])),
  }));
}

export type { Spread };
