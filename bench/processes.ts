// Starting and stopping the servers the bench runs: each in its own process group, output to a log file,
// ready when a URL answers 200; stopped with SIGTERM (Roster closes its database on it), SIGKILL if stuck.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');

export interface Server {
  name: string;
  origin: string;
  port: number;
  logFile: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const running = new Set<Server>();

/** Stops every server still running; used in `finally` and on SIGINT/SIGTERM. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

export interface StartOptions {
  name: string;
  port: number;
  /** argv after the node binary. */
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Path answering 200 once the server can serve (and its database is open). */
  readyPath: string;
  readyTimeoutMs?: number;
}

export async function startServer(options: StartOptions): Promise<Server> {
  // Another server on the port would answer the readiness probe and be measured instead.
  if (!(await portIsFree(options.port))) throw new Error(`port ${options.port} is in use: stop what listens there, or pass --port`);
  const log = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, options.args, {
    cwd: root,
    env: options.env,
    stdio: ['ignore', log, log],
    // Its own process group, so stopping it also stops anything it started.
    detached: true,
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${options.port}`;

  const server: Server = {
    name: options.name,
    origin,
    port: options.port,
    logFile: options.logFile,
    child,
    async stop() {
      if (!running.delete(server)) return;
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup(child, 'SIGTERM');
        const killed = await Promise.race([exited.then(() => false), delay(15_000).then(() => true)]);
        if (killed) {
          signalGroup(child, 'SIGKILL');
          await exited;
        }
      }
    },
  };
  running.add(server);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(server);
      throw new Error(`${options.name} exited before it was ready (code ${child.exitCode ?? child.signalCode}).\n${tail(options.logFile)}`);
    }
    if (await answers200(`${origin}${options.readyPath}`)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${options.name} was not ready within ${options.readyTimeoutMs ?? 90_000} ms.\n${tail(options.logFile)}`);
    }
    await delay(150);
  }
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** The last lines of a server's log, for error messages. */
export function tail(logFile: string, lines = 30): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).map((line) => `  | ${line}`).join('\n');
  } catch {
    return '  | (no log)';
  }
}

const allocated = new Set<number>();

/**
 * The next free port from `from` up, never handed out twice in one run: two benches on one machine (a developer's
 * and CI's smoke run, say) then use different ports instead of failing or measuring each other's servers.
 */
export async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 200; port++) {
    if (allocated.has(port) || !(await portIsFree(port))) continue;
    allocated.add(port);
    return port;
  }
  throw new Error(`no free port in ${from}–${from + 199}`);
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
