// The two servers under test: Roster's production server, scripts/server.mjs as `npm start` runs it, on the bench's
// own build (Server Actions, Route Handlers, pages, and the framework floors), and the raw floor.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { benchBuildEnv } from './build';
import { startServer, type Server } from './processes';
import { serverNodeFlags } from '../scripts/server-node-flags.mjs';

/** Environment both servers share: production mode, quiet logs, no telemetry. */
function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', NEXT_TELEMETRY_DISABLED: '1', ...extra };
  delete env.NODE_OPTIONS; // npm/tsx may have set one for the bench itself; servers get only what is asked below
  return env;
}

export interface ServerOptions {
  port: number;
  dbEnv: Record<string, string>;
  logDir: string;
  /** Directory for a V8 CPU profile of the whole server run (written when it stops). */
  cpuProfileDir?: string;
}

/** Node's flags for a V8 CPU profile of the whole run, written into `dir` when the process exits. */
const cpuProfileArgs = (dir?: string) => (dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);

/** Signs cookies for the run's sessions; required with DATABASE_URL, and spares PGlite a key file in its data directory. */
const authSecret = randomBytes(32).toString('base64url');

export function startNext(options: ServerOptions): Promise<Server> {
  const origin = `http://127.0.0.1:${options.port}`;
  return startServer({
    name: `scripts/server.mjs :${options.port}`,
    port: options.port,
    // It serves from this one process; --cpu-prof can't go through NODE_OPTIONS.
    // As `npm start` runs it (scripts/server-node-flags.mjs).
    args: [...cpuProfileArgs(options.cpuProfileDir), ...serverNodeFlags, 'scripts/server.mjs', '-p', String(options.port), '-H', '127.0.0.1'],
    env: baseEnv({
      ...options.dbEnv,
      // Serves the bench's own build (.next-bench, with the framework floors): see bench/build.ts.
      ...benchBuildEnv,
      // Keeps the webhook sweeper's periodic queries out of the measurements.
      ROSTER_WEBHOOK_SWEEP_MS: '3600000',
      // The overview scenario seeds 90 days of events; the hourly pruning must not delete two thirds of them mid-run.
      ROSTER_EVENT_RETENTION_DAYS: '90',
      // Sessions' cookies and Better Auth's Origin checks derive from where the server is reached.
      ROSTER_BASE_URL: origin,
      ROSTER_AUTH_SECRET: authSecret,
      // The fan-out scenario holds up to 1,000 SSE streams at once (5 per key, the default); room to spare.
      ROSTER_EVENTS_MAX_STREAMS: '5000',
      // The bench signs in once per server start; generous anyway, so a re-run never waits on the limiter.
      ROSTER_AUTH_RATE_LIMIT_IP: '1000/60',
      ROSTER_AUTH_RATE_LIMIT_ACCOUNT: '1000/60',
    }),
    logFile: path.join(options.logDir, `next-${options.port}.log`),
    readyPath: '/api/ready',
  });
}

export function startRaw(options: ServerOptions): Promise<Server> {
  return startServer({
    name: `raw floor :${options.port}`,
    port: options.port,
    // src/core imports 'server-only', which resolves to an empty module under the react-server condition.
    args: [...cpuProfileArgs(options.cpuProfileDir), '--conditions=react-server', '--import', 'tsx', 'bench/raw-server.ts'],
    // The secret lets it check a member's session token as the Next server does (Better Auth, src/http/authenticate.ts).
    env: baseEnv({ ...options.dbEnv, PORT: String(options.port), ROSTER_AUTH_SECRET: authSecret, ROSTER_BASE_URL: `http://127.0.0.1:${options.port}` }),
    logFile: path.join(options.logDir, `raw-${options.port}.log`),
    readyPath: '/ready',
  });
}
