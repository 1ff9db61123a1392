// The shape of bench/results/latest.json, and how a scenario's measurements accumulate into it.
import type { DoorKey, Scenario } from './scenarios';
import type { ExportResult } from './export';
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
  ratios: [DoorKey, DoorKey][];
}

export interface DatabaseResult {
  kind: 'pglite' | 'postgres';
  description: string;
  scenarios: ScenarioResult[];
  fanout?: FanoutResult;
  export?: ExportResult;
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

/** Cost of door a relative to door b (> 1: a is slower): latency ratio, or the inverse throughput ratio. */
export interface Ratio {
  a: DoorKey;
  b: DoorKey;
  sequentialP50: number;
  load: Record<string, number>;
}

export function ratiosOf(result: ScenarioResult): Ratio[] {
  const door = (key: DoorKey) => result.doors.find((entry) => entry.key === key)!;
  return result.ratios.map(([a, b]) => ({
    a,
    b,
    sequentialP50: spread(door(a).sequential.p50).median / spread(door(b).sequential.p50).median,
    load: Object.fromEntries(
      Object.keys(door(a).load).map((c) => [c, spread(door(b).load[c]!.requestsPerSecond).median / spread(door(a).load[c]!.requestsPerSecond).median]),
    ),
  }));
}

export type { Spread };
