// `npm run bench [-- --smoke]`: Server Actions vs Route Handlers vs a raw node:http floor, on Roster's real code.
// Builds if stale, seeds, starts the servers, runs every scenario, writes bench/results/latest.{md,json,svg}
// (a smoke run writes to a temp dir instead), and stops everything it started, whatever happens.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authenticate, authenticationNote } from './auth';
import { buildBenchIfStale } from './build';
import { renderChart } from './chart';
import { preparePglite, preparePostgres, type BenchDatabase } from './database';
import { measureExport } from './export';
import { measureImport } from './import';
import { measureFanout, streamsPerKey } from './fanout';
import { Failures } from './failures';
import { runLoad } from './load';
import { machineFacts } from './machine';
import { coldStartFloorSeconds, deletablePerDoor, hangLimitSeconds, measureScenario, requestsFor } from './measure';
import { parseOptions, UsageError, type BenchOptions } from './options';
import { measureOverview } from './overview';
import { organizationSizesFor } from './organizations';
import { delay, freePort, stopAll, type Server } from './processes';
import { isLocalPostgres, postgresCpuMs, postgresCpuMsBetween } from './postgres-cpu';
import { findProfile, mergeLoads, summariseProfile, type ProfiledLoad, type ProfiledScenario, type ProfileSummary } from './profile';
import { reader } from './readers';
import { renderMarkdown, verdict } from './report';
import type { BenchResult, DatabaseResult } from './results';
import { buildScenario, updateDoors, type Door, type DoorKey, type ScenarioContext } from './scenarios';
import { startNext, startRaw } from './servers';

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
  if (options.deleteMaxRequests < 2 * Math.max(...options.connections)) throw new UsageError('--delete-max must be at least twice the largest --connections');
} catch (error) {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(2);
}
const started = new Date();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-'));
const failures = new Failures();
const token = randomBytes(3).toString('hex');
const toDispose: BenchDatabase[] = [];

async function cleanUp(): Promise<void> {
  await stopAll();
  for (const database of toDispose.splice(0)) await database.dispose().catch((error: unknown) => console.error(`bench: could not drop a database: ${String(error)}`));
  rmSync(workDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping the servers…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

function contextFor(database: BenchDatabase, next: Server, raw: Server, tokenSuffix = ''): ScenarioContext {
  const perDoor = deletablePerDoor(options);
  const deletable = database.fixture.deletable;
  return {
    nextOrigin: next.origin,
    rawOrigin: raw.origin,
    nextReader: reader(next.origin, '/api/v1/users'),
    rawReader: reader(raw.origin, '/users'),
    fixture: database.fixture,
    deletableSlices: { action: deletable.slice(0, perDoor), route: deletable.slice(perDoor, 2 * perDoor), raw: deletable.slice(2 * perDoor, 3 * perDoor) },
    deleteMaxRequests: options.deleteMaxRequests,
    token: `${token}${tokenSuffix}`,
  };
}

async function measureDatabase(database: BenchDatabase): Promise<DatabaseResult> {
  const logDir = path.join(workDir, `logs-${database.kind}`);
  mkdirSync(logDir, { recursive: true });
  const [next, raw] = await Promise.all([
    startNext({ port: await freePort(options.basePort), dbEnv: database.nextEnv, logDir }),
    startRaw({ port: await freePort(options.basePort), dbEnv: database.rawEnv, logDir }),
  ]);
  try {
    await authenticate(next.origin, database.fixture.apiKeySecret);
    const ctx = contextFor(database, next, raw);
    const result: DatabaseResult = { kind: database.kind, description: database.description, scenarios: [] };
    for (const name of options.scenarios) {
      const scenario = await buildScenario(name, ctx);
      console.log(`[${database.kind}] ${scenario.title}: ${scenario.doors.map((door) => door.label).join(' vs ')}`);
      result.scenarios.push(await measureScenario(scenario, options, failures, `[${database.kind}] ${name}`));
    }
    if (options.streams.includes('fanout')) {
      const { subscribers, events, writesPerSecond } = options.fanout;
      console.log(`[${database.kind}] SSE fan-out: ${subscribers} subscribers, ${events} events at ${writesPerSecond}/s`);
      const phase = `[${database.kind}] fanout`;
      result.fanout = await measureFanout(next, database.fixture, { ...options.fanout, hangSeconds: coldStartFloorSeconds * 2 }, failures, phase);
      failures.throwIfAny(phase);
      const { latencyMs, memory } = result.fanout;
      console.log(`  commit to delivery p50 ${latencyMs.p50.toFixed(1)} ms, p99 ${latencyMs.p99.toFixed(1)} ms; ${memory.perStreamKiB.toFixed(0)} KiB per open stream`);
    }
    if (options.streams.includes('overview') && database.kind === 'postgres') {
      const { users, events } = options.overview;
      console.log(`[${database.kind}] overview: ${users.toLocaleString('en-US')} users and ${events.toLocaleString('en-US')} events, /dashboard vs /users side by side`);
      const phase = `[${database.kind}] overview`;
      result.overview = await measureOverview(next, database.nextEnv.DATABASE_URL!, { users, events, requests: options.sequentialRequests, rounds: options.repeats }, failures, phase);
      failures.throwIfAny(phase);
      const { overview, usersList, ratio } = result.overview;
      console.log(`  overview p50 ${overview.p50.toFixed(1)} ms, users list p50 ${usersList.p50.toFixed(1)} ms: ${ratio.toFixed(2)}×`);
    }
    if (options.streams.includes('export') && database.kind === 'postgres') {
      console.log(`[${database.kind}] export: ${options.exportUsers.toLocaleString('en-US')} users more, as CSV through the server vs COPY … TO STDOUT`);
      const phase = `[${database.kind}] export`;
      result.export = await measureExport(next, database.nextEnv.DATABASE_URL!, { users: options.exportUsers, rounds: options.smoke ? 1 : 3, hangSeconds: exportHangSeconds }, failures, phase);
      failures.throwIfAny(phase);
      const { server, copy, ratio, memory } = result.export;
      console.log(
        `  ${result.export.rows.toLocaleString('en-US')} rows: server ${Math.round(server.rowsPerSecond).toLocaleString('en-US')} rows/s, ` +
          `COPY ${Math.round(copy.rowsPerSecond).toLocaleString('en-US')} rows/s (median ${ratio.toFixed(2)}× of ${result.export.ratios.map((r) => r.toFixed(2)).join(', ')}); ` +
          `peak ${memory.aboveIdleMiB.toFixed(1)} MiB above idle`,
      );
    }
    if (options.streams.includes('import')) {
      console.log(`[${database.kind}] import: ${options.importRows.toLocaleString('en-US')} users with bcrypt hashes as NDJSON${database.kind === 'postgres' ? ' vs COPY of the same rows' : ''}`);
      const phase = `[${database.kind}] import`;
      const databaseUrl = database.kind === 'postgres' ? database.nextEnv.DATABASE_URL! : undefined;
      result.import = await measureImport(next, databaseUrl, { rows: options.importRows, hangSeconds: importHangSeconds, token: `${token}${database.kind}` }, failures, phase);
      failures.throwIfAny(phase);
      const { server, copy, ratio, memory } = result.import;
      const floor = copy ? `, COPY ${Math.round(copy.rowsPerSecond).toLocaleString('en-US')} rows/s (${ratio!.toFixed(2)}×)` : '';
      console.log(`  server ${Math.round(server.rowsPerSecond).toLocaleString('en-US')} rows/s${floor}; peak ${memory.aboveIdleMiB.toFixed(1)} MiB above idle`);
    }
    return result;
  } finally {
    await Promise.all([next.stop(), raw.stop()]);
  }
}

/** 100,000 imported users must be in well within this; past it the run fails instead of waiting. */
const importHangSeconds = 1_800;
const profileWarmupRequestsPerConnection = 30;
/** A 1,000,000-row export must end well within this; past it the run fails instead of waiting. */
const exportHangSeconds = 900;

/**
 * The doors profiled, in turn: the update path, the floors its targets divide by, the round trip the action is
 * compared with, and the read targets' doors: the page, the Route Handler and the Route Handler's floors.
 */
const profiledDoors: Record<ProfiledScenario, DoorKey[]> = {
  update: ['action', 'route', 'route-refresh', 'action-no-revalidation', 'noop-route', 'noop-action', 'raw'],
  read: ['page-rsc', 'route', 'raw', 'noop-route'],
};

/**
 * CPU profiles under load: one Next server serves its doors one after another, a window each per round, and the
 * raw floor, in a process of its own, its one door in the same rounds; PostgreSQL's CPU is read around every window.
 */
async function profileDoors(database: BenchDatabase): Promise<ProfileSummary[]> {
  const logDir = path.join(workDir, 'logs-profile');
  const profileDirs = { next: path.join(workDir, `cpu-profile-${database.kind}-next`), raw: path.join(workDir, `cpu-profile-${database.kind}-raw`) };
  for (const dir of [logDir, ...Object.values(profileDirs)]) mkdirSync(dir, { recursive: true });
  const readsDatabaseCpu = database.kind === 'postgres' && isLocalPostgres(database.nextEnv.DATABASE_URL!);
  const loads: Record<'next' | 'raw', ProfiledLoad[]> = { next: [], raw: [] };
  const [next, raw] = await Promise.all([
    startNext({ port: await freePort(options.basePort), dbEnv: database.nextEnv, logDir, cpuProfileDir: profileDirs.next }),
    startRaw({ port: await freePort(options.basePort), dbEnv: database.rawEnv, logDir, cpuProfileDir: profileDirs.raw }),
  ]);
  try {
    await authenticate(next.origin, database.fixture.apiKeySecret);
    const ctx = contextFor(database, next, raw, 'p');
    const runs = [
      ...(await updateDoors(ctx, 'floors', profiledDoors.update)).map((door) => ({ scenario: 'update' as const, door })),
      ...(await buildScenario('read', ctx)).doors.filter((door) => profiledDoors.read.includes(door.key)).map((door) => ({ scenario: 'read' as const, door })),
    ];
    const connections = options.connections[0]!;
    const warmUp = (door: Door, phase: string) =>
      runLoad(door, { connections, requests: profileWarmupRequestsPerConnection * connections, timeoutSeconds: coldStartFloorSeconds, verifySample: 5 }, failures, phase);
    const profiled = new Map<Door, ProfiledLoad>();
    for (let round = 1; round <= options.profileRounds; round++) {
      for (const { scenario, door } of runs) {
        const phase = `profile ${scenario} ${door.key} (round ${round})`;
        // Each door's code warms up before its first window (a count of requests, as everywhere); later rounds size
        // their window from the rate profiled so far.
        const earlier = profiled.get(door);
        const pace = earlier ?? (await warmUp(door, `${phase} warm-up`));
        await delay(1_000);
        const fromUs = Number(process.hrtime.bigint() / 1000n);
        const databaseCpuBefore = readsDatabaseCpu ? postgresCpuMs() : undefined;
        const requests = requestsFor(pace, options.profileSeconds, connections);
        const timeoutSeconds = hangLimitSeconds(options.timeoutSeconds, connections, 1 / pace.requestsPerSecond);
        const measured = await runLoad(door, { connections, requests, timeoutSeconds, verifySample: 5 }, failures, phase);
        const window = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n) };
        failures.throwIfAny(phase);
        const databaseCpuMs = databaseCpuBefore ? postgresCpuMsBetween(databaseCpuBefore, postgresCpuMs()) : undefined;
        const load = { database: database.kind, scenario, door: door.key, requests: measured.requests, requestsPerSecond: measured.requestsPerSecond };
        profiled.set(door, mergeLoads(earlier, { ...load, windows: [window], databaseCpuMs }));
      }
    }
    for (const [door, load] of profiled) loads[door.origin === raw.origin ? 'raw' : 'next'].push(load);
  } finally {
    await Promise.all([next.stop(), raw.stop()]);
  }
  const summaries = (['next', 'raw'] as const).flatMap((server) => {
    const file = findProfile(profileDirs[server]);
    // Kept for Chrome DevTools / speedscope, but not committed (.gitignore): they are large.
    const keep = path.join(options.outDir, 'profiles', `${database.kind}-${server}.cpuprofile`);
    mkdirSync(path.dirname(keep), { recursive: true });
    copyFileSync(file, keep);
    return summariseProfile(file, loads[server]).map((summary) => ({ ...summary, profileFile: path.relative(options.outDir, keep) }));
  });
  for (const summary of summaries) {
    const top = summary.layers.slice(0, 4).map((layer) => `${layer.layer} ${(layer.share * 100).toFixed(0)}%`);
    const databaseCpu = summary.databaseCpuMsPerRequest === undefined ? '' : ` (+ ${summary.databaseCpuMsPerRequest.toFixed(2)} in PostgreSQL)`;
    console.log(`  [${database.kind}] profile ${summary.scenario} ${summary.door} (${summary.windowSeconds.toFixed(1)} s window): ${summary.cpuMsPerRequest.toFixed(2)} ms CPU/request${databaseCpu}; ${top.join(', ')}`);
  }
  return summaries;
}

async function main(options: BenchOptions): Promise<BenchResult> {
  buildBenchIfStale();
  mkdirSync(options.outDir, { recursive: true });
  const deletable = 3 * deletablePerDoor(options);
  const result: BenchResult = {
    smoke: options.smoke,
    startedAt: started.toISOString(),
    finishedAt: '',
    wallSeconds: 0,
    machine: machineFacts(),
    authentication: authenticationNote,
    settings: {
      users: options.users,
      deletableUsers: 3 * deletablePerDoor(options),
      repeats: options.repeats,
      sequentialRequestsPerDoor: options.sequentialRequests,
      durationSeconds: options.durationSeconds,
      deleteMaxRequestsPerRun: options.deleteMaxRequests,
      connections: options.connections,
      warmupRequestsPerConnection: options.warmupRequestsPerConnection,
    },
    databases: [],
    skipped: [],
    profiles: [],
  };

  for (const kind of options.databases) {
    const sizes = {
      users: options.users,
      deletable,
      eventKeys: options.streams.includes('fanout') ? Math.ceil(options.fanout.subscribers / streamsPerKey) : 0,
      organizations: organizationSizesFor(kind, options),
    };
    const { organizations, memberships } = sizes.organizations;
    const tenants = organizations > 0 ? `, ${organizations.toLocaleString('en-US')} organizations with ${memberships.toLocaleString('en-US')} memberships` : '';
    console.log(`[${kind}] seeding ${options.users.toLocaleString('en-US')} users (+${deletable.toLocaleString('en-US')} to delete)${tenants}…`);
    const database = kind === 'pglite' ? await preparePglite(workDir, sizes) : await preparePostgres(sizes);
    if (!database) {
      const note = 'PostgreSQL: neither BENCH_DATABASE_URL nor the local server at 127.0.0.1:5432 answered';
      console.log(`[${kind}] skipped: ${note}`);
      result.skipped.push(note);
      continue;
    }
    toDispose.push(database);
    result.databases.push(await measureDatabase(database));
    if (options.profile) result.profiles.push(...(await profileDoors(database)));
  }
  result.finishedAt = new Date().toISOString();
  result.machine.loadAverage.end = os.loadavg()[0]!;
  result.wallSeconds = (Date.now() - started.getTime()) / 1000;
  return result;
}

let exitCode = 0;
try {
  const result = await main(options);
  const chart = await renderChart(result);
  writeFileSync(path.join(options.outDir, 'latest.svg'), chart);
  writeFileSync(path.join(options.outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(path.join(options.outDir, 'latest.md'), renderMarkdown(result, 'latest.svg'));
  console.log(`\n${verdict(result).text.replaceAll('**', '')}`);
  console.log(`bench: ${failures.total} failures; results in ${path.relative(process.cwd(), options.outDir) || '.'}/latest.md (${(result.wallSeconds / 60).toFixed(1)} min)`);
} catch (error) {
  console.error(`\nbench FAILED: ${error instanceof Error ? error.message : String(error)}`);
  if (failures.total > 0) console.error(`bench: ${failures.total} failed request(s) or check(s)`);
  exitCode = 1;
} finally {
  await cleanUp();
}
process.exit(exitCode);
