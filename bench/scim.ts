// Issue 33's SCIM benchmark, side by side with the REST API on one production server over PostgreSQL:
//   1. lookup: GET /api/scim/v2/Users?filter=userName eq "…" vs GET /api/v1/users?search=<the same address>
//      (target: SCIM ≤ 1.2× the API's median), one client, the two doors taking turns request by request;
//   2. create: POST /api/scim/v2/Users vs POST /api/v1/users, `--concurrency` clients for `--seconds` per round,
//      the doors taking turns round by round (target: SCIM ≥ 0.8× the API's requests per second);
//   3. GET /api/scim/v2/Groups latency (Okta's check allows 600 ms).
// The organization holds `--users` provisioned users (seeded by INSERT … SELECT generate_series: rows that exist only
// to be read need no events). Run: npm run build, then
//   ROSTER_API_RATE_LIMIT=1000000000/60 tsx --conditions=react-server bench/scim.ts --users 100000
// with BENCH_DATABASE_URL (or TEST_DATABASE_URL) naming a PostgreSQL server where it may create a throwaway database.
// `--profile <dir>` runs the server under node --cpu-prof and adds where each door's create spends its time (server CPU
// by layer, PostgreSQL CPU, commits, rows: bench/scim-profile.ts); the profiler slows the server, so compare the
// ratio of a run without it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createApiKey } from '@/core/api-keys';
import { createOrganization } from '@/core/organizations';
import type { Principal } from '@/core/principal';
import { createScimConnection } from '@/core/scim';
import { openDatabase } from '@/db/client';
import { users } from '@/db/schema';
import { buildIfStale } from '../scripts/build-if-stale.mjs';
import { Client, isSuccess, type RequestSpec } from './http';
import { root, startServer, stopAll } from './processes';
import { CreateProfiler, profileReport, type DoorCost } from './scim-profile';
import { percentile } from './stats';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '4' },
    groups: { type: 'string', default: '50' },
    port: { type: 'string', default: process.env.ROSTER_E2E_PORT ?? '3500' },
    out: { type: 'string', default: path.join(root, 'bench/results/issue-33') },
    profile: { type: 'string' },
  },
});
const sizes = {
  users: Number(values.users),
  requests: Number(values.requests),
  seconds: Number(values.seconds),
  rounds: Number(values.rounds),
  concurrency: Number(values.concurrency),
  groups: Number(values.groups),
};
const system: Principal = { kind: 'system', door: 'cli', name: 'bench' };

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function main() {
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server');
  buildIfStale({ env: { DATABASE_URL: '', ROSTER_DATA_DIR: 'memory://' } });
  const name = `roster_bench_scim_${randomBytes(5).toString('hex')}`;
  await withClient(server, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  try {
    await run(url);
  } finally {
    await stopAll();
    await withClient(server, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

async function run(url: string) {
  const handle = await openDatabase({ driver: 'postgres', url });
  const { db } = handle;
  const seedStarted = performance.now();
  const [owner] = await db.insert(users).values({ id: crypto.randomUUID(), email: 'owner@bench.test', name: 'Owner', role: 'owner' }).returning();
  const organization = await createOrganization({ db, principal: system }, { name: 'Bench SCIM', slug: 'bench-scim', ownerId: owner!.id }, 'open');
  const { connection, token } = await createScimConnection({ db, principal: system }, organization.id, { name: 'Bench IdP' });
  const { secret } = await createApiKey({ db, principal: system }, { name: 'bench', scopes: ['users:read', 'users:write'] });
  await db.execute(sql`
    INSERT INTO users (id, email, name, email_verified, created_at, updated_at)
    SELECT gen_random_uuid(), 'scim-' || i || '@bench.test', 'Bench User ' || i, true, now() - make_interval(secs => i), now()
    FROM generate_series(1, ${sizes.users}::int) AS i`);
  await db.execute(sql`
    INSERT INTO organization_members (organization_id, user_id, role)
    SELECT ${organization.id}::uuid, id, 'member' FROM users WHERE email LIKE 'scim-%@bench.test'`);
  await db.execute(sql`
    INSERT INTO scim_users (organization_id, user_id, connection_id, user_name, external_id, given_name, family_name)
    SELECT ${organization.id}::uuid, id, ${connection.id}::uuid, email, 'ext-' || email, 'Bench', 'User' FROM users WHERE email LIKE 'scim-%@bench.test'`);
  await db.execute(sql`
    INSERT INTO scim_groups (id, organization_id, display_name)
    SELECT gen_random_uuid(), ${organization.id}::uuid, 'Bench group ' || g FROM generate_series(1, ${sizes.groups}::int) AS g`);
  // Ten members per group, so GET /Groups lists members as Okta reads them.
  await db.execute(sql`
    INSERT INTO scim_group_members (group_id, user_id)
    SELECT g.id, u.user_id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM scim_groups) g
    JOIN (SELECT user_id, row_number() OVER (ORDER BY user_id) AS n FROM scim_users) u ON u.n BETWEEN (g.n - 1) * 10 + 1 AND g.n * 10`);
  for (const table of ['users', 'organization_members', 'scim_users', 'scim_groups', 'scim_group_members']) await db.execute(sql.raw(`ANALYZE ${table}`));
  const seedMs = performance.now() - seedStarted;
  const version = ((await db.execute(sql`show server_version`)) as unknown as { rows: { server_version: string }[] }).rows[0]?.server_version;
  await handle.close();

  const port = Number(values.port);
  const origin = `http://127.0.0.1:${port}`;
  const logDir = path.join(tmpdir(), `roster-bench-scim-${process.pid}`);
  mkdirSync(logDir, { recursive: true });
  const profiler = values.profile ? new CreateProfiler(url, path.resolve(values.profile)) : undefined;
  if (profiler) mkdirSync(profiler.profileDir, { recursive: true });
  await startServer({
    name: `next :${port}`,
    port,
    args: [...(profiler?.serverArgs ?? []), 'scripts/server.mjs', '-p', String(port), '-H', '127.0.0.1'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: url,
      ROSTER_BASE_URL: origin,
      ROSTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
      ROSTER_API_RATE_LIMIT: '1000000000/60',
      ROSTER_WEBHOOK_SWEEP_MS: '3600000',
    },
    logFile: path.join(logDir, 'server.log'),
    readyPath: '/api/ready',
  });

  const scimHeaders = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  const apiHeaders = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  const pick = () => `scim-${1 + Math.floor(Math.random() * sizes.users)}@bench.test`;
  const doors = {
    scimLookup: (address: string): RequestSpec => ({ method: 'GET', path: `/api/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${address}"`)}`, headers: scimHeaders }),
    apiLookup: (address: string): RequestSpec => ({ method: 'GET', path: `/api/v1/users?search=${encodeURIComponent(address)}`, headers: apiHeaders }),
    scimCreate: (n: string): RequestSpec => ({
      method: 'POST',
      path: '/api/scim/v2/Users',
      headers: scimHeaders,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `new-scim-${n}@bench.test`, name: { givenName: 'New', familyName: 'User' }, emails: [{ value: `new-scim-${n}@bench.test`, primary: true }], active: true }),
    }),
    apiCreate: (n: string): RequestSpec => ({ method: 'POST', path: '/api/v1/users', headers: apiHeaders, body: JSON.stringify({ email: `new-api-${n}@bench.test`, name: 'New User' }) }),
    groups: (): RequestSpec => ({ method: 'GET', path: '/api/scim/v2/Groups?startIndex=1&count=100', headers: scimHeaders }),
  };

  const client = new Client(origin, 30_000);
  const send = async (spec: RequestSpec, check?: (body: string) => void) => {
    const result = await client.send(spec);
    if (!isSuccess(result.status)) throw new Error(`${spec.method} ${spec.path} answered ${result.status}: ${result.raw.toString().slice(0, 300)}`);
    check?.(result.raw.toString());
    return result.ms;
  };
  // Both lookups must find the one user they look for.
  const findsOne = (body: string) => {
    const parsed = JSON.parse(body) as { totalResults?: number; items?: unknown[] };
    if ((parsed.totalResults ?? parsed.items?.length) !== 1) throw new Error(`expected one user, got ${body.slice(0, 200)}`);
  };

  // Warm-up (compilation of routes, connection pools), not measured.
  for (let i = 0; i < 20; i++) {
    const address = pick();
    await send(doors.scimLookup(address), findsOne);
    await send(doors.apiLookup(address), findsOne);
    await send(doors.groups());
  }
  const lookup = { scim: [] as number[], api: [] as number[] };
  const groups: number[] = [];
  for (let i = 0; i < sizes.requests; i++) {
    const address = pick();
    // Alternate which door goes first, so neither always meets a warmer cache.
    if (i % 2 === 0) {
      lookup.scim.push(await send(doors.scimLookup(address), findsOne));
      lookup.api.push(await send(doors.apiLookup(address), findsOne));
    } else {
      lookup.api.push(await send(doors.apiLookup(address), findsOne));
      lookup.scim.push(await send(doors.scimLookup(address), findsOne));
    }
    groups.push(await send(doors.groups()));
  }
  client.close();

  const create = { scim: [] as number[], api: [] as number[] };
  let sequence = 0;
  for (let round = 0; round < sizes.rounds; round++) {
    for (const door of round % 2 === 0 ? (['scim', 'api'] as const) : (['api', 'scim'] as const)) {
      const load = async () => {
        const started = performance.now();
        const deadline = started + sizes.seconds * 1000;
        let done = 0;
        await Promise.all(
          Array.from({ length: sizes.concurrency }, async () => {
            const worker = new Client(origin, 30_000);
            while (performance.now() < deadline) {
              const n = `${round}-${++sequence}`;
              const result = await worker.send(door === 'scim' ? doors.scimCreate(n) : doors.apiCreate(n));
              if (result.status !== 201) throw new Error(`${door} create answered ${result.status}: ${result.raw.toString().slice(0, 300)}`);
              done++;
            }
            worker.close();
          }),
        );
        create[door].push(done / ((performance.now() - started) / 1000));
        return done;
      };
      await (profiler ? profiler.window(door, load) : load());
    }
  }
  await stopAll();
  const costs = profiler?.summarise();

  const median = (list: number[]) => percentile(list, 50);
  const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
  // Each round's two windows ran back to back, so a round's ratio compares the doors under the same machine load.
  const roundRatios = create.scim.map((scim, round) => round2(scim / create.api[round]!));
  const result = {
    when: new Date().toISOString(),
    database: `PostgreSQL ${version} (throwaway database)`,
    sizes,
    seedSeconds: Math.round(seedMs / 100) / 10,
    lookup: {
      scimMedianMs: round2(median(lookup.scim)),
      apiMedianMs: round2(median(lookup.api)),
      scimP95Ms: round2(percentile(lookup.scim, 95)),
      apiP95Ms: round2(percentile(lookup.api, 95)),
      ratio: round2(median(lookup.scim) / median(lookup.api)),
      target: '≤ 1.2',
    },
    create: {
      scimPerSecond: round2(sum(create.scim) / create.scim.length),
      apiPerSecond: round2(sum(create.api) / create.api.length),
      ratio: round2(sum(create.scim) / sum(create.api)),
      roundRatios,
      medianRoundRatio: round2(median(roundRatios)),
      target: '≥ 0.8',
    },
    groups: { medianMs: round2(median(groups)), p95Ms: round2(percentile(groups, 95)), maxMs: round2(Math.max(...groups)), target: 'under 600 ms (Okta)' },
  };
  mkdirSync(values.out!, { recursive: true });
  const profile = costs && { costs: costs.map(({ profile: summary, ...cost }) => ({ ...cost, cpuMsPerRequest: summary.cpuMsPerRequest, layers: summary.layers })) };
  writeFileSync(path.join(values.out!, 'latest.json'), `${JSON.stringify({ ...result, ...(profile ? { profile } : {}) }, null, 2)}\n`);
  writeFileSync(path.join(values.out!, 'latest.md'), report(result, costs));
  console.log(report(result, costs));
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function report(r: {
  when: string;
  database: string;
  sizes: typeof sizes;
  seedSeconds: number;
  lookup: Record<string, number | string>;
  create: Record<string, number | string | number[]>;
  groups: Record<string, number | string>;
}, costs?: DoorCost[]): string {
  return `# Issue 33: SCIM vs the REST API (${r.when})

${r.database}; one organization with ${r.sizes.users.toLocaleString('en-US')} provisioned users (seeded in ${r.seedSeconds} s) and ${r.sizes.groups} groups of 10 members; one production server (\`scripts/server.mjs\`, \`next build\`), rate limits off.

| What | SCIM | REST API | Ratio (target) |
|---|---|---|---|
| Find one user: \`GET /Users?filter=userName eq "…"\` vs \`GET /api/v1/users?search=…\`, median (p95) ms, ${r.sizes.requests} requests each, turns alternating | ${r.lookup.scimMedianMs} (${r.lookup.scimP95Ms}) | ${r.lookup.apiMedianMs} (${r.lookup.apiP95Ms}) | ${r.lookup.ratio} (${r.lookup.target}) |
| Create users: \`POST /Users\` vs \`POST /api/v1/users\`, requests/s with ${r.sizes.concurrency} clients, ${r.sizes.rounds} rounds of ${r.sizes.seconds} s per door, alternating | ${r.create.scimPerSecond} | ${r.create.apiPerSecond} | ${r.create.ratio} (${r.create.target}); rounds ${(r.create.roundRatios as number[]).join(', ')}, median ${r.create.medianRoundRatio} |
| \`GET /Groups?count=100\`, median / p95 / max ms | ${r.groups.medianMs} / ${r.groups.p95Ms} / ${r.groups.maxMs} | – | ${r.groups.target} |

Method: bench/scim.ts. Both lookups are checked to find exactly the one user; every create must answer 201. The SCIM
create does more than the API's (membership, SCIM attributes, two events and a journal row against one event), which
is what the ratio measures. One shared machine: figures are indicative, the ratios are the point.
${costs ? `\n## Where a create's time goes (\`--profile\`, node --cpu-prof: slower than unprofiled)\n\n${profileReport(costs)}` : ''}`;
}

main().catch(async (error: unknown) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
