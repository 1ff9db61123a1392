// The report's last section: where the update path's CPU goes, door by door, and how much of what a door costs
// above its two floors (the raw floor + its no-op door, the targets' denominators) falls in each layer.
import { dbName, fixed } from './format';
import type { ProfileSummary } from './profile';
import { doorLabels, type DoorKey } from './scenarios';

/** Doors shown layer by layer with their top functions: the update path the claim is about. */
const detailedDoors: DoorKey[] = ['action', 'route'];

/** [door, raw floor, no-op door]: the floors' ratios of the targets. */
const floorSplits: [DoorKey, DoorKey, DoorKey][] = [
  ['route', 'raw', 'noop-route'],
  ['action-no-revalidation', 'raw', 'noop-action'],
];

const label = (door: string) => doorLabels[door as DoorKey] ?? door;
const perRequest = (profile: ProfileSummary, layer: string) => (profile.layers.find((entry) => entry.layer === layer)?.ms ?? 0) / Math.max(1, profile.requests);
const signed = (value: number) => (value > 0 ? `+${fixed(value)}` : fixed(value));

function doorSection(profile: ProfileSummary): string[] {
  const database = profile.databaseCpuMsPerRequest === undefined ? '' : ` (+ ${fixed(profile.databaseCpuMsPerRequest)} ms in PostgreSQL)`;
  return [
    `### ${dbName(profile.database)}, ${label(profile.door)}: ${fixed(profile.requestsPerSecond)} req/s, ${fixed(profile.cpuMsPerRequest)} ms of server CPU per request${database}`,
    '',
    '| Layer | share of busy CPU | ms per request |',
    '|---|---|---|',
    ...profile.layers
      .filter((layer) => layer.share >= 0.005)
      .map((layer) => `| ${layer.layer} | ${(layer.share * 100).toFixed(1)}% | ${fixed(perRequest(profile, layer.layer))} |`),
    '',
    '<details><summary>Top functions by self time</summary>',
    '',
    '| Function | Source | Layer | share |',
    '|---|---|---|---|',
    ...profile.topFunctions.map((f) => `| \`${f.functionName}\` | ${f.source.slice(0, 90)} | ${f.layer} | ${(f.share * 100).toFixed(1)}% |`),
    '',
    '</details>',
    '',
  ];
}

/** CPU per request of `door`, its raw floor and its no-op door, layer by layer, and the door's excess over the two. */
function floorSplitSection(door: ProfileSummary, raw: ProfileSummary, noop: ProfileSummary): string[] {
  const three = [door, raw, noop];
  const excess = (layer: string) => perRequest(door, layer) - perRequest(raw, layer) - perRequest(noop, layer);
  const layers = [...new Set(three.flatMap((profile) => profile.layers.map((entry) => entry.layer)))]
    .filter((layer) => three.some((profile) => perRequest(profile, layer) >= 0.05))
    .sort((a, b) => Math.abs(excess(b)) - Math.abs(excess(a)));
  const row = (name: string, [a, r, n]: number[]) => `| ${name} | ${fixed(a!)} | ${fixed(r!)} | ${fixed(n!)} | ${signed(a! - r! - n!)} |`;
  const database = three.map((profile) => profile.databaseCpuMsPerRequest);
  return [
    `### ${dbName(door.database)}, ${label(door.door)} above ${label(raw.door)} + ${label(noop.door)}`,
    '',
    '| Layer | door, ms per request | raw floor | no-op door | door − (raw + no-op) |',
    '|---|---|---|---|---|',
    ...layers.map((layer) => row(layer, three.map((profile) => perRequest(profile, layer)))),
    row('**all of the server process**', three.map((profile) => profile.cpuMsPerRequest)),
    ...(database.every((ms) => ms !== undefined) ? [row('**PostgreSQL server** (its processes, from /proc)', database)] : []),
    '',
  ];
}

export function profiles(summaries: ProfileSummary[]): string[] {
  if (summaries.length === 0) return [];
  const lines = [
    '## Where the time goes on the update path',
    '',
    'CPU profiles (`node --cpu-prof`) while autocannon drove one door at a time at 10 connections, on each database: one Next server served the ' +
      'update path\'s doors and the Next floors in turn, each after a warm-up of its own, and the raw floor its door in a process of its own. Each door\'s ' +
      'samples are limited to its own load window and their self time charged to a layer through the build\'s source maps. PGlite runs inside the ' +
      'server process, so its time is in the profile; on PostgreSQL that part is in the database server, whose CPU (every `postgres` process, from ' +
      '/proc, 10 ms resolution) is read around each window where it runs on this machine. The profiler itself costs CPU and a profiled door answers ' +
      'fewer requests per second than in the tables above: read the shares, the CPU per request and the differences, not the throughputs.',
    '',
  ];
  for (const profile of summaries.filter((summary) => detailedDoors.includes(summary.door as DoorKey))) lines.push(...doorSection(profile));
  lines.push(
    '### Above the floors, layer by layer',
    '',
    'The floors\' targets divide a door\'s cost by the raw floor\'s plus its no-op door\'s. Here the same three terms in CPU per request, by layer: ' +
      'the last column is what the door spends beyond the two floors together, the part the ratio above 1 is made of (negative: the door spends ' +
      'less there than the floors do, e.g. the raw floor\'s own `node:http` work, which the no-op door also pays).',
    '',
  );
  for (const database of [...new Set(summaries.map((summary) => summary.database))]) {
    const of = (door: DoorKey) => summaries.find((summary) => summary.database === database && summary.door === door);
    for (const [door, raw, noop] of floorSplits) {
      const three = [of(door), of(raw), of(noop)];
      if (three.every((profile) => profile !== undefined)) lines.push(...floorSplitSection(three[0]!, three[1]!, three[2]!));
    }
  }
  return lines;
}
