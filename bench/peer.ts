// `npm run bench:peer`: Roster's GET /api/v1/users and /api/v1/users/{id} against the peer a team would otherwise
// use, Better Auth 1.7's admin plugin (`list-users`, `get-user`, bench/peer-server.ts), on the same PostgreSQL
// server, each with 10,000 users. Autocannon, doors interleaved run by run, medians of 3. Roster runs with every
// feature on, rate limiting included (ROSTER_API_RATE_LIMIT as given; the npm script sets a budget the run stays
// under, so every request is counted and none refused). Cost = time per request = 1 / requests per second.
// Beside them, in the same rounds, the floors any Route Handler of Roster's stands on: the raw floor (the same core
// call in plain node:http, bench/raw-server.ts) and Next's no-op Route Handler (GET /api/bench/noop) sent Roster's
// request, less node:http's empty answer (the raw floor's GET /noop), which both of them pay. (raw + no-op − empty)
// / peer is the lowest Roster / peer can be: above 0.5, the target is out of reach.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { authenticate, credentials } from './auth';
import { buildBenchIfStale } from './build';
import { preparePostgres } from './database';
import { freePort, root, startServer, stopAll } from './processes';
import { startNext, startRaw } from './servers';
import { percentile } from './stats';

const median = (values: readonly number[]) => percentile(values, 50);

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10,50' },
    repeats: { type: 'string', default: '3' },
    users: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '2' },
    port: { type: 'string', default: '3300' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results', 'issue-29') },
  },
});
const connectionsList = values.connections.split(',').map(Number);
const repeats = Number(values.repeats);
const users = Number(values.users);
const seconds = Number(values.seconds);
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

interface Door {
  name: string;
  origin: string;
  headers: () => Record<string, string>;
  path: () => string;
}

/** Requests per second over `amount` requests on `connections`; any non-2xx or error fails the run. */
async function load(door: Door, connections: number, amount: number): Promise<number> {
  const result = await autocannon({
    url: door.origin,
    connections,
    amount,
    // A hang guard, not a speed check: a loaded 2-core machine answers 50 connections slowly.
    timeout: 60,
    sampleInt: 250,
    requests: [{ setupRequest: (request) => ({ ...request, method: 'GET', path: door.path(), headers: door.headers() }) }],
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${door.name}: ${bad} of ${result.requests.total} requests failed (non-2xx ${result.non2xx}, errors ${result.errors})`);
  return result.requests.total / (result.duration || 1);
}

const doorKeys = ['roster', 'peer', 'raw', 'noop', 'empty'] as const;
type DoorKey = (typeof doorKeys)[number];

interface Row {
  operation: string;
  connections: number;
  rps: Record<DoorKey, number[]>;
  /** Roster's cost over the peer's (peer req/s over Roster's). */
  ratio: number;
  /** The floors' costs (raw + no-op − empty), over the peer's: the lowest `ratio` can be. */
  floor: number;
}

/** A door's median req/s, with each run's. */
const runs = (values: number[]) => `${median(values).toFixed(0)} (${values.map((v) => v.toFixed(0)).join(', ')})`;

const cycle = (items: string[]) => {
  let i = 0;
  return () => items[i++ % items.length]!;
};

async function main() {
  buildBenchIfStale();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'roster-peer-'));
  const roster = await preparePostgres({ users, deletable: 0, eventKeys: 0, organizations: { organizations: 0, memberships: 0 } });
  if (!roster) throw new Error('PostgreSQL at 127.0.0.1:5432 does not answer');
  const peerDatabase = `roster_bench_peer_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: LOCAL_POSTGRES });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${peerDatabase}`);
  const peerUrl = new URL(LOCAL_POSTGRES);
  peerUrl.pathname = `/${peerDatabase}`;
  try {
    const peerPort = await freePort(Number(values.port));
    const peerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: peerUrl.toString(),
      PEER_BASE_URL: `http://127.0.0.1:${peerPort}`,
      PEER_SECRET: randomBytes(32).toString('base64url'),
      PEER_USERS: String(users),
      PORT: String(peerPort),
    };
    const setup = execFileSync(process.execPath, ['--import', 'tsx', 'bench/peer-server.ts', '--setup'], { cwd: root, env: peerEnv, encoding: 'utf8' });
    const peerFixture = JSON.parse(setup.trim().split('\n').at(-1)!) as { cookie: string; ids: string[] };
    const peer = await startServer({
      name: `peer :${peerPort}`,
      port: peerPort,
      args: ['--import', 'tsx', 'bench/peer-server.ts'],
      env: peerEnv,
      logFile: path.join(workDir, 'peer.log'),
      readyPath: '/ready',
    });
    const next = await startNext({ port: await freePort(peerPort + 1), dbEnv: roster.nextEnv, logDir: workDir });
    const raw = await startRaw({ port: await freePort(next.port + 1), dbEnv: roster.rawEnv, logDir: workDir });
    await authenticate(next.origin, roster.fixture.apiKeySecret);
    const rosterIds = cycle(roster.fixture.updateTargets.map((user) => user.id));
    const peerIds = cycle(peerFixture.ids);
    const peerHeaders = () => ({ cookie: peerFixture.cookie, 'accept-encoding': 'gzip, deflate, br' });
    const rosterHeaders = () => ({ ...credentials.api, 'accept-encoding': 'gzip, deflate, br' });
    const noop: Door = { name: 'no-op Route Handler GET /api/bench/noop', origin: next.origin, headers: rosterHeaders, path: () => '/api/bench/noop' };
    const empty: Door = { name: 'node:http empty answer GET /noop', origin: raw.origin, headers: rosterHeaders, path: () => '/noop' };
    const operations: Array<{ operation: string; doors: Record<DoorKey, Door> }> = [
      {
        operation: 'list, 25 newest',
        doors: {
          roster: { name: 'Roster GET /api/v1/users', origin: next.origin, headers: rosterHeaders, path: () => '/api/v1/users?limit=25' },
          peer: {
            name: 'Better Auth GET /api/auth/admin/list-users',
            origin: peer.origin,
            headers: peerHeaders,
            path: () => '/api/auth/admin/list-users?limit=25&sortBy=createdAt&sortDirection=desc',
          },
          raw: { name: 'raw floor GET /users', origin: raw.origin, headers: rosterHeaders, path: () => '/users?limit=25' },
          noop,
          empty,
        },
      },
      {
        operation: 'one user by id',
        doors: {
          roster: { name: 'Roster GET /api/v1/users/{id}', origin: next.origin, headers: rosterHeaders, path: () => `/api/v1/users/${rosterIds()}` },
          peer: { name: 'Better Auth GET /api/auth/admin/get-user', origin: peer.origin, headers: peerHeaders, path: () => `/api/auth/admin/get-user?id=${peerIds()}` },
          raw: { name: 'raw floor GET /users/{id}', origin: raw.origin, headers: rosterHeaders, path: () => `/users/${rosterIds()}` },
          noop,
          empty,
        },
      },
    ];
    const rows: Row[] = [];
    for (const connections of connectionsList) {
      for (const { operation, doors } of operations) {
        // Warm-up, unmeasured; it also sizes the runs (about `seconds` each at the warm-up's pace).
        const amounts = new Map<DoorKey, number>();
        for (const key of doorKeys) amounts.set(key, Math.max(connections * 20, Math.round((await load(doors[key], connections, connections * 30)) * seconds)));
        const rps: Record<DoorKey, number[]> = { roster: [], peer: [], raw: [], noop: [], empty: [] };
        for (let run = 0; run < repeats; run++) {
          // Interleaved, and the order alternates, so no door always runs on a machine another just warmed.
          for (const key of run % 2 ? doorKeys.toReversed() : doorKeys) rps[key].push(await load(doors[key], connections, amounts.get(key)!));
        }
        const cost = (key: DoorKey) => 1 / median(rps[key]);
        const row = { operation, connections, rps, ratio: cost('roster') / cost('peer'), floor: (cost('raw') + cost('noop') - cost('empty')) / cost('peer') };
        rows.push(row);
        console.log(
          `${operation}, ${connections} connections: Roster ${median(rps.roster).toFixed(0)} req/s, peer ${median(rps.peer).toFixed(0)} req/s: ` +
            `Roster costs ${row.ratio.toFixed(2)}× the peer; floor ${row.floor.toFixed(2)}×`,
        );
      }
    }
    mkdirSync(values.out, { recursive: true });
    const load1 = os.loadavg().map((v) => v.toFixed(1)).join(' / ');
    writeFileSync(path.join(values.out, 'peer.json'), `${JSON.stringify({ finishedAt: new Date().toISOString(), users, repeats, secondsPerRun: seconds, loadAverage: os.loadavg(), rows }, null, 2)}\n`);
    writeFileSync(
      path.join(values.out, 'peer.md'),
      [
        '# Roster vs Better Auth’s admin plugin (issue 29, item 8)',
        '',
        `PostgreSQL, ${users.toLocaleString('en-US')} users on each side (two databases on one server); autocannon; medians of ${repeats} interleaved runs of about ${seconds} s each; ` +
          `load average at the end ${load1} (2 cores shared with other work). Cost = time per request = 1 / requests per second; ` +
          'the ratio is Roster’s cost over the peer’s (target ≤ 0.5).',
        '',
        'The floors, measured in the same rounds: the raw floor (the same core call in plain node:http), Next’s no-op Route Handler ' +
          '(`GET /api/bench/noop`, Roster’s request, answered 204 unread) and node:http’s empty answer (the raw floor’s `GET /noop`), ' +
          'which both of the others include. Any Route Handler of Roster’s costs at least raw + no-op − empty, so that over the peer’s ' +
          'cost is the lowest Roster / peer can be: above 0.5, no Route Handler meets the target.',
        '',
        '| operation | connections | Roster req/s (runs) | peer req/s (runs) | raw floor req/s | no-op RH req/s | empty node:http req/s | Roster cost / peer cost | target ≤ 0.5 | (raw + no-op − empty) / peer |',
        '|---|---|---|---|---|---|---|---|---|---|',
        ...rows.map(
          (row) =>
            `| ${row.operation} | ${row.connections} | ${runs(row.rps.roster)} | ${runs(row.rps.peer)} | ${runs(row.rps.raw)} | ${runs(row.rps.noop)} | ${runs(row.rps.empty)} | ` +
            `${row.ratio.toFixed(2)} | ${row.ratio <= 0.5 ? 'yes' : '**no**'} | ${row.floor.toFixed(2)}${row.floor > 0.5 ? ' (out of reach)' : ''} |`,
        ),
        '',
      ].join('\n'),
    );
  } finally {
    await stopAll();
    await admin.query(`DROP DATABASE IF EXISTS ${peerDatabase} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await roster.dispose();
  }
}

await main();
