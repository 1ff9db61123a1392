// `npm run bench:scale-out [-- --requests N --connections C --port P]` (P: HAProxy, default ROSTER_E2E_PORT + 4): requests/s and CPU per request for 1 and then 2
// Roster instances behind HAProxy (the cluster script), on the database at DATABASE_URL (a throwaway database on
// it is created and dropped). CPU per request is the instances' CPU time (user + system, every process of each
// instance, from /proc/<pid>/stat) over the run, divided by the requests answered; HAProxy's is shown apart.
// Each run is a fixed number of requests, never a fixed time. Linux only (/proc).
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { openDatabase } from '@/db/client';
import { startCluster, type Cluster } from '../scripts/cluster.mjs';
import { createApiKey } from '@/core/api-keys';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '6000' },
    connections: { type: 'string', default: '16' },
    port: { type: 'string', default: String(Number(process.env.ROSTER_E2E_PORT ?? 3100) + 4) },
  },
});
const requests = Number(values.requests);
const connections = Number(values.connections);
const port = Number(values.port);
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  console.error('bench:scale-out: set DATABASE_URL to a PostgreSQL server (a throwaway database is made on it).');
  process.exit(2);
}

const ticksPerSecond = 100; // USER_HZ on Linux
/** user + system CPU seconds of a process (fields 14 and 15 of /proc/<pid>/stat, after the command in parentheses). */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** Every process in a process group (an instance: the npm start wrapper and the Next server it runs). */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]) === pgid;
      } catch {
        return false;
      }
    });
}

const instanceCpu = (cluster: Cluster) => cluster.instances.flatMap((instance) => groupMembers(instance.process.pid!)).reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);

function load(url: string, headers: Record<string, string>, amount: number) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon({ url, headers, connections, amount, timeout: 30 }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function measure(instances: number, databaseUrl: string, authorization: string) {
  const lines: string[] = [];
  const cluster = await startCluster({ instances, port, env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production', LOG_LEVEL: 'warn' }, log: (line) => lines.push(line) }).catch(
    (error: unknown) => {
      console.error(lines.join('\n'));
      throw error;
    },
  );
  try {
    const url = `${cluster.address.replace('localhost', '127.0.0.1')}/api/v1/users?limit=20`;
    const headers = { authorization };
    await load(url, headers, Math.min(requests, 1000)); // warm-up: JIT, connection pools, caches
    const cpuBefore = instanceCpu(cluster);
    const started = performance.now();
    const result = await load(url, headers, requests);
    const seconds = (performance.now() - started) / 1000;
    const cpu = instanceCpu(cluster) - cpuBefore;
    const answered = result['2xx'];
    if (result.non2xx || result.errors || result.timeouts) throw new Error(`run with ${instances} failed: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    return { instances, requests: answered, seconds, requestsPerSecond: answered / seconds, cpuMsPerRequest: (cpu * 1000) / answered, cpuSeconds: cpu, p50: result.latency.p50, p99: result.latency.p99 };
  } finally {
    await cluster.stop();
  }
}

const name = `roster_scale_${randomBytes(4).toString('hex')}`;
const admin = async (query: string) => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(query).finally(() => client.end());
};
await admin(`CREATE DATABASE ${name}`);
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
try {
  const handle = await openDatabase({ driver: 'postgres', url: databaseUrl });
  const { secret } = await createApiKey({ db: handle.db, principal: { kind: 'system', door: 'cli', name: 'bench' } }, { name: 'scale-out', scopes: ['users:read'] });
  await handle.close();
  const results = [];
  for (const instances of [1, 2]) results.push(await measure(instances, databaseUrl, `Bearer ${secret}`));
  console.log(`\nGET /api/v1/users?limit=20 through HAProxy, ${connections} connections, ${requests} requests a run, ${os.cpus().length} CPUs (load generator on the same machine)\n`);
  console.log('| instances | requests/s | CPU ms per request (instances) | p50 ms | p99 ms |');
  console.log('|---|---|---|---|---|');
  for (const row of results) console.log(`| ${row.instances} | ${row.requestsPerSecond.toFixed(0)} | ${row.cpuMsPerRequest.toFixed(2)} | ${row.p50} | ${row.p99} |`);
  console.log(`\n${JSON.stringify(results)}`);
} finally {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
