// The report's last section: where the CPU goes, door by door, and how much of what a door costs above what its
// target divides it by (the raw floor + its no-op door; for the read page, the Route Handler) falls in each layer.
import { dbName, fixed } from './format';
import type { ProfiledScenario, ProfileSummary } from './profile';
import { doorLabels, type DoorKey } from './scenarios';

/** Doors shown layer by layer with their top functions: the update path the claim is about. */
const detailedDoors: DoorKey[] = ['action', 'route'];

/** A target's ratio, door over the sum of baselines, in the scenario whose doors it compares. */
const splits: { scenario: ProfiledScenario; door: DoorKey; baselines: DoorKey[] }[] = [
  { scenario: 'update', door: 'action', baselines: ['route-refresh'] },
  { scenario: 'update', door: 'route', baselines: ['raw', 'noop-route'] },
  { scenario: 'update', door: 'action-no-revalidation', baselines: ['raw', 'noop-action'] },
  { scenario: 'read', door: 'page-rsc', baselines: ['route'] },
  { scenario: 'read', door: 'route', baselines: ['raw', 'noop-route'] },
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

/** CPU per request of `door` and of its baselines, layer by layer, and the door's excess over their sum. */
function splitSection(door: ProfileSummary, baselines: ProfileSummary[]): string[] {
  const all = [door, ...baselines];
  const excessOf = (values: number[]) => values[0]! - values.slice(1).reduce((sum, value) => sum + value, 0);
  const excess = (layer: string) => excessOf(all.map((profile) => perRequest(profile, layer)));
  const layers = [...new Set(all.flatMap((profile) => profile.layers.map((entry) => entry.layer)))]
    .filter((layer) => all.some((profile) => perRequest(profile, layer) >= 0.05))
    .sort((a, b) => Math.abs(excess(b)) - Math.abs(excess(a)));
  const row = (name: string, values: number[]) => `| ${name} | ${values.map((value) => fixed(value)).join(' | ')} | ${signed(excessOf(values))} |`;
  const database = all.map((profile) => profile.databaseCpuMsPerRequest);
  const sum = baselines.map((profile) => label(profile.door)).join(' + ');
  return [
    // The update's Route Handler and the read's are both set against raw floor + no-op: the scenario tells them apart.
    `### ${dbName(door.database)}, ${door.scenario}: ${label(door.door)} above ${sum}`,
    '',
    `| Layer | ${all.map((profile) => `${label(profile.door)}, ms per request`).join(' | ')} | door − (${sum}) |`,
    `|---|${all.map(() => '---|').join('')}---|`,
    ...layers.map((layer) => row(layer, all.map((profile) => perRequest(profile, layer)))),
    row('**all of the server process**', all.map((profile) => profile.cpuMsPerRequest)),
    ...(database.every((ms) => ms !== undefined) ? [row('**PostgreSQL server** (its processes, from /proc)', database)] : []),
    '',
  ];
}

/**
 * The round trip in its two parts, each next to its counterpart: the write (the action without updateTag, which
 * re-renders nothing, vs PATCH) with Next's own share of it (no-op action vs no-op Route Handler), and the page (what
 * updateTag and the re-render add to the action vs what router.refresh() adds to PATCH). Then the best the action
 * could do with its page as it is: a write no dearer than Next's no-op action.
 */
function roundTripParts(of: (door: DoorKey) => ProfileSummary | undefined): string[] {
  const doors = (['action', 'action-no-revalidation', 'route-refresh', 'route', 'noop-action', 'noop-route'] as const).map(of);
  if (!doors.every((door) => door !== undefined)) return [];
  const [action, bare, pair, patch, noopAction, noopRoute] = doors.map((door) => door!.cpuMsPerRequest) as [number, number, number, number, number, number];
  const row = (part: string, ours: number, theirs: number) => `| ${part} | ${fixed(ours)} | ${fixed(theirs)} | ${signed(ours - theirs)} |`;
  const page = action - bare;
  const best = (noopAction + page) / pair;
  return [
    `### ${dbName(doors[0]!.database)}, the round trip part by part`,
    '',
    '| Part (ms of server CPU per round trip) | Server Action | PATCH, then router.refresh() | difference |',
    '|---|---|---|---|',
    row('the write: the action without updateTag / PATCH', bare, patch),
    row('… of which Next’s own: the no-op Server Action / the no-op Route Handler', noopAction, noopRoute),
    row('the page: updateTag and the re-render (action − action without updateTag) / router.refresh() (round trip − PATCH)', page, pair - patch),
    row('**the round trip**', action, pair),
    '',
    `With its page as it renders, the action's best is a write no dearer than Next's no-op action: (${fixed(noopAction)} + ${fixed(page)}) / ` +
      `${fixed(pair)} = **${best.toFixed(2)}** of PATCH + router.refresh(), against the ≤ 0.8 target.`,
    '',
  ];
}

export function profiles(summaries: ProfileSummary[]): string[] {
  if (summaries.length === 0) return [];
  const lines = [
    '## Where the time goes',
    '',
    'CPU profiles (`node --cpu-prof`) while autocannon drove one door at a time at 10 connections, on each database: one Next server served the ' +
      'update path\'s doors, PATCH + router.refresh(), the Next floors and the read\'s two doors in turn, round after round (a warm-up before ' +
      'each door\'s first window), and the raw floor its door in a process of its own, in the same rounds. Each door\'s samples are limited to ' +
      'its own load windows, so a change in the machine\'s load during the profile falls on every door alike, and their self time charged to ' +
      'a layer through the build\'s source maps. PGlite runs inside the server process, so its time is in the profile; on PostgreSQL that part ' +
      'is in the database server, whose CPU (every `postgres` process, from ' +
      '/proc, 10 ms resolution) is read around each window where it runs on this machine. The profiler itself costs CPU and a profiled door answers ' +
      'fewer requests per second than in the tables above: read the shares, the CPU per request and the differences, not the throughputs.',
    '',
  ];
  const detailed = summaries.filter((summary) => summary.scenario === 'update' && detailedDoors.includes(summary.door as DoorKey));
  for (const profile of detailed) lines.push(...doorSection(profile));
  lines.push(
    '### Above what the targets divide by, layer by layer',
    '',
    'The round trip\'s target divides the action\'s cost by PATCH + router.refresh()\'s (two requests: CPU per round trip), the floors\' ' +
      'targets a door\'s by the raw floor\'s plus its no-op door\'s, the read page\'s target the console page\'s by the Route Handler\'s, and the read\'s Route Handler is set against its floors, the raw floor and the no-op Route Handler sent its GET. Here the same ' +
      'terms in CPU per request, by layer: the last column is what the door spends beyond them, the part a ratio above 1 is made of (negative: ' +
      'the door spends less there, e.g. the raw floor\'s own `node:http` work, which the no-op door pays again; the round trip\'s ≤ 0.8 asks ' +
      'the action to spend a fifth less than its two requests).',
    '',
  );
  for (const database of [...new Set(summaries.map((summary) => summary.database))]) {
    const ofScenario = (scenario: ProfiledScenario) => (door: DoorKey) =>
      summaries.find((summary) => summary.database === database && summary.scenario === scenario && summary.door === door);
    for (const split of splits) {
      const [door, ...baselines] = [split.door, ...split.baselines].map(ofScenario(split.scenario));
      if (door && baselines.every((profile) => profile !== undefined)) lines.push(...splitSection(door, baselines as ProfileSummary[]));
    }
    lines.push(...roundTripParts(ofScenario('update')));
  }
  return lines;
}
