// Types for scripts/cluster.mjs (plain JS, like `npm start`, so that it needs no TypeScript loader).
import type { ChildProcess } from 'node:child_process';

export const haproxyBin: string;

export interface ClusterInstance {
  name: string;
  port: number;
  /** The instance itself, bypassing HAProxy. */
  url: string;
  process: ChildProcess;
}

export interface Cluster {
  /** HAProxy's address: the one to open. */
  address: string;
  dir: string;
  instances: ClusterInstance[];
  haproxyCommand(command: string): Promise<string>;
  kill(index: number): Promise<void>;
  restart(index: number): Promise<void>;
  start(index: number): Promise<void>;
  stop(): Promise<void>;
}

export function haproxyConfig(options: { port: number; instancePorts: number[]; socket: string }): string;
export function haproxyCommand(socket: string, command: string): Promise<string>;
export function startCluster(options?: { instances?: number; port?: number; env?: NodeJS.ProcessEnv; log?: (line: string) => void; signal?: AbortSignal }): Promise<Cluster>;
