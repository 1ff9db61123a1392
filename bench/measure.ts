// One scenario on one database: warm-up, then `repeats` rounds of one-client and concurrent measurements,
// the doors interleaved within each.
import type { Failures } from './failures';
import { runLoad } from './load';
import type { BenchOptions } from './options';
import { emptyScenarioResult, recordLoad, recordSequential, type ScenarioResult } from './results';
import type { Door, DoorKey, Scenario } from './scenarios';
import { runSequential } from './sequential';
import { spread } from './stats';
import { delay } from './processes';

/** Requests per door the warm-up sends one at a time (checked, like every measured phase). */
export const warmupSequentialRequests = (options: BenchOptions) => Math.min(10, options.sequentialRequests);
/** Fixed-count runs (delete) send at least this many requests per connection. */
const minimumPerConnection = 2;
/** The warm-up under load of a fixed-count scenario sends this many requests. */
export const warmupFixedRequests = (options: BenchOptions) => minimumPerConnection * options.connections[0]!;
/** Deletable users one delete door needs for a whole run of the delete scenario, at most. */
export const deletablePerDoor = (options: BenchOptions) =>
  warmupSequentialRequests(options) +
  warmupFixedRequests(options) +
  options.repeats * (options.sequentialRequests + options.deleteMaxRequests * options.connections.length) +
  10;

/**
 * A concurrent run ends with up to `connections` requests cut off in flight, which the server still works
 * through (about connections / throughput seconds, by Little's law) before the next door may start.
 */
const drainMs = (connections: number, requestsPerSecond: number) => Math.min(5_000, Math.max(300, 200 + (1000 * connections) / requestsPerSecond));

const rotate = <T>(items: T[], by: number) => [...items.slice(by % items.length), ...items.slice(0, by % items.length)];
const ms = (value: number) => value.toFixed(value >= 10 ? 1 : 2);

export async function measureScenario(scenario: Scenario, options: BenchOptions, failures: Failures, label: string): Promise<ScenarioResult> {
  const result = emptyScenarioResult(scenario, options.connections);
  const load = (door: Door, connections: number, seconds: number, requests: number | undefined, phase: string) =>
    runLoad(door, { connections, durationSeconds: seconds, requests, timeoutSeconds: options.timeoutSeconds, verifySample: 5 }, failures, phase);
  const sequential = { timeoutMs: options.timeoutSeconds * 1000, checkEvery: options.smoke ? 1 : 10 };
  // A smoke run's numbers are not reported, so it does not wait for the server to drain between runs.
  const settleMs = (connections: number, requestsPerSecond: number) => (options.smoke ? 100 : drainMs(connections, requestsPerSecond));

  // Warm-up: excluded from the results, but checked all the same.
  const warmup = `${label} warm-up`;
  await runSequential(scenario.doors, { ...sequential, requestsPerDoor: warmupSequentialRequests(options), checkEvery: 1 }, failures, warmup);
  failures.throwIfAny(warmup);
  // Fixed-count runs are sized from each door's warm-up throughput, to last about as long as the others.
  const requestsPerRun = new Map<DoorKey, (connections: number) => number>();
  for (const door of scenario.doors) {
    const warm = await load(door, options.connections[0]!, options.warmupSeconds, scenario.maxRequestsPerRun ? warmupFixedRequests(options) : undefined, warmup);
    const target = Math.round(warm.requestsPerSecond * options.durationSeconds);
    requestsPerRun.set(door.key, (connections) => Math.min(scenario.maxRequestsPerRun ?? 0, Math.max(minimumPerConnection * connections, target)));
    await delay(settleMs(options.connections[0]!, warm.requestsPerSecond));
  }
  failures.throwIfAny(warmup);

  for (let repeat = 0; repeat < options.repeats; repeat++) {
    const doors = rotate(scenario.doors, repeat);
    const phase = `${label} repeat ${repeat + 1}/${options.repeats}`;

    const latencies = await runSequential(doors, { ...sequential, requestsPerDoor: options.sequentialRequests }, failures, `${phase} one client`);
    failures.throwIfAny(`${phase} one client`);
    recordSequential(result, latencies);
    console.log(`  ${phase}, one client p50: ${doors.map((door) => `${door.label} ${ms(spread(latencies.get(door.key) ?? []).median)} ms`).join(' | ')}`);

    for (const connections of options.connections) {
      const line: string[] = [];
      for (const door of doors) {
        const fixedCount = scenario.maxRequestsPerRun ? requestsPerRun.get(door.key)!(connections) : undefined;
        const measured = await load(door, connections, options.durationSeconds, fixedCount, `${phase} ${connections} connections`);
        recordLoad(result, door.key, connections, measured);
        line.push(`${door.label} ${measured.requestsPerSecond.toFixed(0)} req/s`);
        await delay(settleMs(connections, measured.requestsPerSecond));
      }
      failures.throwIfAny(`${phase} ${connections} connections`);
      console.log(`  ${phase}, ${connections} connections: ${line.join(' | ')}`);
    }
  }
  return result;
}
