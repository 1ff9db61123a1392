// `npm run cluster [-- --instances N --port P]`: a reference cluster on one machine. Builds once, applies the
// migrations once, then starts N Roster instances (`npm start`, on ports P+1..P+N) against DATABASE_URL behind
// HAProxy on port P, and prints the one address to open. Ctrl-C stops HAProxy and the instances gracefully.
// Also a library: the cluster tests and the scale-out measurement start and drive clusters through startCluster.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildIfStale, root } from './build-if-stale.mjs';
import { serverNodeFlags } from './server-node-flags.mjs';

export const haproxyBin = process.env.ROSTER_HAPROXY ?? '/usr/sbin/haproxy';
const startScript = path.join(root, 'scripts', 'start.mjs');
const backend = 'instances';
const readyTimeoutMs = 120_000;

/** The HAProxy configuration: round robin over the instances, each health-checked on /api/ready every second. */
export function haproxyConfig({ port, instancePorts, socket }) {
  return `global
  maxconn 4096
  # Fail on a port already in use, instead of silently sharing it with whatever holds it.
  noreuseport
  stats socket ${socket} mode 600 level admin

defaults
  mode http
  option http-keep-alive
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # Server-sent event streams stay open for as long as the client keeps them.
  timeout tunnel 1h
  timeout http-keep-alive 10s
  # A request whose connection to an instance failed (it died, or is restarting) goes to another instance;
  # nothing that reached an instance is ever sent twice.
  retries 3
  option redispatch

frontend roster
  bind 127.0.0.1:${port}
  # Roster trusts the right-most X-Forwarded-For entry HAProxy appends (ROSTER_TRUSTED_PROXIES=127.0.0.1/32).
  option forwardfor
  default_backend ${backend}

backend ${backend}
  balance roundrobin
  option httpchk GET /api/ready
  http-check expect status 200
  default-server inter 1s fall 2 rise 1
${instancePorts.map((instancePort, index) => `  server roster${index + 1} 127.0.0.1:${instancePort} check`).join('\n')}
`;
}

/** Sends one command to HAProxy's runtime API and returns its answer. */
export function haproxyCommand(socket, command) {
  return new Promise((resolve, reject) => {
    const connection = net.connect(socket);
    let answer = '';
    connection.on('connect', () => connection.end(`${command}\n`));
    connection.on('data', (chunk) => (answer += chunk));
    connection.on('end', () => resolve(answer));
    connection.on('error', reject);
  });
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, check, signal, timeoutMs = readyTimeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`cluster: timed out waiting for ${what}`);
    await delay(200);
  }
}

const isReady = (url) => fetch(`${url}/api/ready`).then((response) => response.ok, () => false);

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

function relay(child, name, log) {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => log(`[${name}] ${line}`));
  }
}

/**
 * Starts a cluster and resolves once HAProxy reports every instance up.
 * `signal` aborts the start: whatever was started is stopped again.
 * @param {{ instances?: number, port?: number, env?: NodeJS.ProcessEnv, log?: (line: string) => void, signal?: AbortSignal }} options
 */
export async function startCluster({ instances = 2, port = 3000, env = process.env, log = console.log, signal } = {}) {
  if (!env.DATABASE_URL) throw new Error('cluster: set DATABASE_URL to a PostgreSQL database; several instances share one database.');
  if (!Number.isInteger(instances) || instances < 1) throw new Error('cluster: --instances must be a positive whole number');
  const address = `http://localhost:${port}`;
  const secret = env.ROSTER_AUTH_SECRET ?? env.BETTER_AUTH_SECRET;
  if (!secret) log('cluster: ROSTER_AUTH_SECRET is unset; using a random one for this run (sessions end when the cluster stops).');
  const instanceEnv = {
    ...env,
    // Every instance must sign cookies and name itself (Origin checks, JWT iss/aud) alike: the address users open.
    ROSTER_AUTH_SECRET: secret ?? randomBytes(32).toString('base64url'),
    ROSTER_BASE_URL: env.ROSTER_BASE_URL ?? address,
    ROSTER_TRUSTED_PROXIES: env.ROSTER_TRUSTED_PROXIES ?? '127.0.0.1/32',
  };
  // The build prerenders pages with the instances' settings (a PostgreSQL build needs the auth secret too).
  buildIfStale({ log, env: instanceEnv });
  // Once, before any instance starts: instances starting together would race to apply the same migrations.
  const migrate = spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '--conditions=react-server', 'scripts/migrate.ts'], {
    cwd: root,
    env: instanceEnv,
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`cluster: migrations failed\n${migrate.stderr}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'roster-cluster-'));
  const socket = path.join(dir, 'haproxy.sock');
  const members = Array.from({ length: instances }, (_, index) => ({ name: `roster${index + 1}`, port: port + index + 1, url: `http://127.0.0.1:${port + index + 1}`, process: undefined }));

  const launch = (member) => {
    // Its own process group, so that a terminal's Ctrl-C reaches the cluster alone and it stops them in order.
    member.process = spawn(process.execPath, [...serverNodeFlags, startScript, '-p', String(member.port), '-H', '127.0.0.1'], {
      cwd: root,
      env: { ...instanceEnv, PORT: String(member.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    relay(member.process, member.name, log);
    return waitFor(
      `${member.name} to be ready`,
      async () => {
        if (member.process.exitCode !== null) throw new Error(`cluster: ${member.name} exited with ${member.process.exitCode}`);
        return isReady(member.url);
      },
      signal,
    );
  };

  const cfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig({ port, instancePorts: members.map((member) => member.port), socket }));
  let haproxy;
  const stop = async () => {
    await Promise.all(members.map(async (member) => {
      if (!member.process) return;
      member.process.kill('SIGTERM');
      await exited(member.process);
    }));
    if (haproxy) {
      haproxy.kill('SIGTERM');
      await exited(haproxy);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await Promise.all(members.map(launch));
    haproxy = spawn(haproxyBin, ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    relay(haproxy, 'haproxy', log);
    haproxy.once('exit', (code) => code && log(`cluster: HAProxy exited with ${code}`));
    // `show stat` is CSV: pxname, svname, qcur, qmax, scur (requests under way on that server), …
    const sessionsOn = async (member) => {
      const row = (await haproxyCommand(socket, 'show stat')).split('\n').find((line) => line.startsWith(`${backend},${member.name},`));
      return Number(row?.split(',')[4] ?? 0);
    };
    // `show servers state`: the sixth field is the operational state, 2 for running.
    const serverUp = (member) => async () =>
      (await haproxyCommand(socket, `show servers state ${backend}`).catch(() => ''))
        .split('\n')
        .some((line) => line.split(' ')[3] === member.name && line.split(' ')[5] === '2');
    await Promise.all(
      members.map((member) =>
        waitFor(
          `HAProxy to see ${member.name} up`,
          async () => {
            if (haproxy.exitCode !== null) throw new Error(`cluster: HAProxy exited with ${haproxy.exitCode} (port ${port} in use?)`);
            return serverUp(member)();
          },
          signal,
        ),
      ),
    );

    return {
      address,
      dir,
      instances: members,
      haproxyCommand: (command) => haproxyCommand(socket, command),
      /** kill -9 of an instance (its whole process group: the npm start wrapper and the server). */
      kill(index) {
        process.kill(-members[index].process.pid, 'SIGKILL');
        return exited(members[index].process);
      },
      /**
       * A rolling restart's step: HAProxy stops sending the instance new requests and lets those under way finish,
       * then the instance is SIGTERMed, started again, and put back once its health check passes.
       */
      async restart(index) {
        const member = members[index];
        const server = `${backend}/${member.name}`;
        await haproxyCommand(socket, `set server ${server} state maint`);
        await waitFor(`${member.name}'s requests to finish`, async () => (await sessionsOn(member)) === 0);
        member.process.kill('SIGTERM');
        await exited(member.process);
        await launch(member);
        await haproxyCommand(socket, `set server ${server} state ready`);
        await waitFor(`HAProxy to see ${member.name} up`, serverUp(member));
      },
      /** Starts an instance that was killed, and waits until HAProxy routes to it again. */
      async start(index) {
        await launch(members[index]);
        await waitFor(`HAProxy to see ${members[index].name} up`, serverUp(members[index]));
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function main() {
  const usage = 'Usage: npm run cluster -- [--instances N (2)] [--port P (3000; instances on P+1..P+N)]';
  let values;
  try {
    ({ values } = parseArgs({ options: { instances: { type: 'string', default: '2' }, port: { type: 'string', default: '3000' }, help: { type: 'boolean' } } }));
  } catch (error) {
    console.error(`cluster: ${error.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) return console.log(usage);
  if (spawnSync(haproxyBin, ['-v']).error) {
    console.error(`cluster: HAProxy not found at ${haproxyBin} (Debian/Ubuntu: sudo apt-get install haproxy; or set ROSTER_HAPROXY).`);
    process.exit(2);
  }
  const starting = new AbortController();
  let cluster;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.log('cluster: stopping the instances, then HAProxy…');
      if (cluster) void cluster.stop().then(() => process.exit(0));
      else starting.abort();
    });
  }
  try {
    cluster = await startCluster({ instances: Number(values.instances), port: Number(values.port), signal: starting.signal });
  } catch (error) {
    console.error(starting.signal.aborted ? 'cluster: stopped while starting.' : error.message);
    process.exit(starting.signal.aborted ? 130 : 1);
  }
  console.log(`\nroster: ${cluster.instances.length} instances behind HAProxy. Open ${cluster.address}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
