import { describe, expect, it } from 'vitest';
import { targetsOf } from '../../bench/report';
import type { BenchResult, DoorResult, ScenarioResult } from '../../bench/results';
import { readFloor, type DoorKey } from '../../bench/scenarios';

// The read target (GET /api/v1/users ≤ 1.5× the raw floor) is shown next to its floor, (raw floor + no-op Route
// Handler − no-op node:http) / raw floor, computed from the same run's doors; the floor is information, never a
// missed target.

/** A door with one repeat: `p50` ms with one client, `rps` requests per second at 10 connections. */
function door(key: DoorKey, p50: number, rps: number): DoorResult {
  return {
    key,
    label: key,
    sequential: { requests: [100], p50: [p50], p99: [p50 * 2] },
    load: { '10': { requests: [rps * 5], requestsPerSecond: [rps], p50: [p50], p99: [p50 * 2] } },
  };
}

function resultWith(read: ScenarioResult): BenchResult {
  return {
    settings: { connections: [10] },
    databases: [{ kind: 'postgres', description: '', scenarios: [read] }],
  } as unknown as BenchResult;
}

const read = (routeP50: number, routeRps: number): ScenarioResult => ({
  name: 'read',
  title: 'Read the first page of users',
  operation: '',
  doors: [door('route', routeP50, routeRps), door('raw', 3, 600), door('noop-route', 2, 900), door('noop-raw', 0.5, 3600)],
  ratios: [
    ['route', 'raw'],
    [readFloor, 'raw'],
  ],
});

describe('the read target and its floor', () => {
  it('adds the raw floor and the no-op door less the empty node:http answer, and never counts the floor as missed', () => {
    const rows = targetsOf(resultWith(read(6, 200)));
    const target = rows.find((row) => row.label === 'read: GET /api/v1/users / raw floor')!;
    const floor = rows.find((row) => row.label === 'read: (raw floor + no-op Route Handler − no-op node:http) / raw floor')!;
    expect(target.values).toEqual([2, 3]);
    expect(target.met).toBe(false);
    // One client: (3 + 2 − 0.5) / 3. Ten connections: (1/600 + 1/900 − 1/3600) / (1/600).
    expect(floor.values[0]).toBeCloseTo(1.5, 10);
    expect(floor.values[1]).toBeCloseTo(1.5, 10);
    expect(floor.floorOf).toBe(target.label);
    expect(floor.met).toBe(true);
  });

  it('marks the target met when every cell is within it', () => {
    const target = targetsOf(resultWith(read(4, 500))).find((row) => row.label === 'read: GET /api/v1/users / raw floor')!;
    expect(target.values[0]).toBeCloseTo(4 / 3, 10);
    expect(target.values[1]).toBeCloseTo(1.2, 10);
    expect(target.met).toBe(true);
  });
});
