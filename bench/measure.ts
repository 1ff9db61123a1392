// One scenario on one database: warm-up, then `repeats` rounds of one-client and concurrent measurements,
// the doors interleaved within each. No phase passes or fails by the clock: warm-ups and runs are counted in
// requests, and the limit past which a request counts as hung scales with this machine's own warm-up pace.
import type { Failures } from './failures';
import { runLoad, type LoadResult } from './load';
import type { BenchOptions } from './options';
import { emptyScenarioResult, recordLoad, recordSequential, type ScenarioResult } from './results';
import type { Door, DoorKey, Scenario } from './scenarios';
import { runSequential } from './sequential';
import { spread } from './stats';
import { delay } from './processes';

/** Requests per door the warm-up sends one at a time (checked, like every measured phase). */
export const warmupSequentialRequests = (options: BenchOptions) => Math.min(10, options.sequentialRequests);
/** Every concurrent run sends at least this many requests per connection, so every connection gets answers. */
const minimumPerConnection = 2;
/** The warm-up under load sends this many requests per door (a count, never a time window). */
export const warmupLoadRequests = (options: BenchOptions) => options.warmupRequestsPerConnection * options.connections[0]!;
/** Deletable users one delete door needs for a whole run of the delete scenario, at most. */
export const deletablePerDoor = (options: BenchOptions) =>
  warmupSequentialRequests(options) +
  warmupLoadRequests(options) +
  options.repeats * (options.sequentialRequests + options.deleteMaxRequests * options.connections.length) +
  10;

/**
 * How long one request may take before it counts as hung: `hangFactor` times what queueing behind `connections`
 * requests at the pace this machine just showed predicts, and never less than `floorSeconds`. A slow or busy
 * machine is slow for the warm-up too, so it is never failed for its speed; a server that stops answering still is.
 */
const hangFactor = 20;
export const hangLimitSeconds = (floorSeconds: number, connections: number, secondsPerRequest: number) =>
  Math.max(floorSeconds, hangFactor * connections * secondsPerRequest);
/** The very first requests to a fresh server compile code paths: only a real hang exceeds this. */
export const coldStartFloorSeconds = 60;

/** A fixed-count concurrent run sized from a warm-up's throughput to last about `seconds`, within the given bounds. */
export const requestsFor = (warm: Pick<LoadResult, 'requestsPerSecond'>, seconds: number, connections: number, max = Infinity) =>
  Math.min(max, Math.max(minimumPerConnection * connections, Math.round(warm.requestsPerSecond * seconds)));

/**
 * A concurrent run ends with up to `connections` requests cut off in flight, which the server still works
 * through (about connections / throughput seconds, by Little's law) before the next door may start.
 */
const drainMs = (connections: number, requestsPerSecond: number) => Math.min(5_000, Math.max(300, 200 + (1000 * connections) / requestsPerSecond));

const rotate = <T>(items: T[], by: number) => [...items.slice(by % items.length), ...items.slice(0, by % items.length)];
const ms = (value: number) => value.toFixed(value >= 10 ? 1 : 2);

export async function measureScenario(scenario: Scenario, options: BenchOptions, failures: Failures, label: string): Promise<ScenarioResult> {
  const result = emptyScenarioResult(scenario, options.connections);
  const load = (door: Door, connections: number, requests: number, timeoutSeconds: number, phase: string) =>
    runLoad(door, { connections, requests, timeoutSeconds, verifySample: 5 }, failures, phase);
  // A smoke run's numbers are not reported, so it does not wait for the server to drain between runs.
  const settleMs = (connections: number, requestsPerSecond: number) => (options.smoke ? 100 : drainMs(connections, requestsPerSecond));

  // Warm-up: excluded from the results, but checked all the same.
  const warmup = `${label} warm-up`;
  const warmLatencies = await runSequential(
    scenario.doors,
    { requestsPerDoor: warmupSequentialRequests(options), timeoutMs: coldStartFloorSeconds * 1000, checkEvery: 1 },
    failures,
    warmup,
  );
  failures.throwIfAny(warmup);
  const slowestWarmSeconds = Math.max(...[...warmLatencies.values()].map((latencies) => spread(latencies).median / 1000));
  const sequential = {
    timeoutMs: hangLimitSeconds(options.timeoutSeconds, 1, slowestWarmSeconds) * 1000,
    checkEvery: options.smoke ? 1 : 10,
  };
  // Concurrent runs are sized from each door's warm-up throughput, to last about `durationSeconds`.
  const warmLoad = new Map<DoorKey, LoadResult>();
  for (const door of scenario.doors) {
    const connections = options.connections[0]!;
    const seconds = spread(warmLatencies.get(door.key)!).median / 1000;
    const warm = await load(door, connections, warmupLoadRequests(options), hangLimitSeconds(options.timeoutSeconds, connections, seconds), warmup);
    warmLoad.set(door.key, warm);
    await delay(settleMs(connections, warm.requestsPerSecond));
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
        const warm = warmLoad.get(door.key)!;
        const requests = requestsFor(warm, options.durationSeconds, connections, scenario.maxRequestsPerRun);
        const timeout = hangLimitSeconds(options.timeoutSeconds, connections, 1 / warm.requestsPerSecond);
        const measured = await load(door, connections, requests, timeout, `${phase} ${connections} connections`);
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
