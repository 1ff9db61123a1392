import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeLoads, summariseProfile, type ProfiledLoad } from '../../bench/profile';

// A door profiled in rounds is summarised over all of its windows and nothing between them.

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A .cpuprofile with one sample per millisecond from t = 1 ms: `work` (in node:zlib) at the listed times, else idle. */
function profileFile(busyAtMs: number[], lengthMs: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
  dirs.push(dir);
  const nodes = [
    { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: -1, columnNumber: -1 } },
    { id: 2, callFrame: { functionName: 'work', url: 'node:zlib', lineNumber: 1, columnNumber: 1 } },
  ];
  const samples = Array.from({ length: lengthMs }, (_, i) => (busyAtMs.includes(i + 1) ? 2 : 1));
  const file = path.join(dir, 'CPU.cpuprofile');
  writeFileSync(file, JSON.stringify({ nodes, startTime: 0, endTime: lengthMs * 1000, samples, timeDeltas: samples.map(() => 1000) }));
  return file;
}

const load = (windows: [number, number][], requests: number): ProfiledLoad => ({
  database: 'postgres',
  scenario: 'update',
  door: 'route',
  requests,
  requestsPerSecond: 0,
  windows: windows.map(([from, to]) => ({ fromUs: from * 1000, toUs: to * 1000 })),
});

describe('profile windows', () => {
  it('counts the busy samples of every window of a door, and none between its windows', () => {
    // Busy at 2, 3 (first window), 6 (between), 8 (second window).
    const file = profileFile([2, 3, 6, 8], 10);

    const [summary] = summariseProfile(file, [load([[1, 4], [7, 9]], 3)]);

    expect(summary!.busyMs).toBe(3);
    expect(summary!.cpuMsPerRequest).toBe(1);
    expect(summary!.windowSeconds).toBeCloseTo(0.005);
    expect(summary!.layers).toEqual([{ layer: 'Node.js zlib (response compression)', ms: 3, share: 1 }]);
  });

  it('merges a door’s rounds: requests and database CPU add up, the rate is over all of its windows', () => {
    const first = { ...load([[0, 1000]], 100), databaseCpuMs: 40 };
    const second = { ...load([[5000, 8000]], 500), databaseCpuMs: 60 };

    const merged = mergeLoads(mergeLoads(undefined, first), second);

    expect(merged.requests).toBe(600);
    expect(merged.requestsPerSecond).toBeCloseTo(150);
    expect(merged.windows).toHaveLength(2);
    expect(merged.databaseCpuMs).toBe(100);
  });
});
