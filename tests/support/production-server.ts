import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type Server } from '../../bench/processes';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { reservePorts } from './ports';

/**
 * The production server (scripts/server.mjs; built first if the build is stale) in a process of its own on
 * 127.0.0.1, ready once `/api/ready` answers 200, its output in `logFile`. `env` adds to (and overrides) this
 * process's environment; the port is from this Vitest worker's block unless given.
 */
export async function startProductionServer({ env = {}, port, logFile }: { env?: Record<string, string | undefined>; port?: number; logFile?: string } = {}): Promise<Server> {
  buildIfStale({ log: () => {} });
  const listenOn = port ?? (await reservePorts());
  return startServer({
    name: `scripts/server.mjs :${listenOn}`,
    port: listenOn,
    args: ['scripts/server.mjs', '-p', String(listenOn), '-H', '127.0.0.1'],
    env: { ...process.env, NODE_ENV: 'production', ROSTER_BASE_URL: `http://127.0.0.1:${listenOn}`, LOG_LEVEL: 'info', NEXT_TELEMETRY_DISABLED: '1', ...env },
    logFile: logFile ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'roster-server-')), 'server.log'),
    readyPath: '/api/ready',
  });
}
