// Machine facts for the report header.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from './processes';
import type { Machine } from './results';

const versionOf = (name: string) => {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
};

function commit(): string {
  try {
    // Read-only: GIT_OPTIONAL_LOCKS=0 keeps `git status` from refreshing the index.
    const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, env, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, env, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

export function machineFacts(): Machine {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    next: versionOf('next'),
    react: versionOf('react'),
    pglite: versionOf('@electric-sql/pglite'),
    autocannon: versionOf('autocannon'),
    commit: commit(),
    loadAverage: { start: os.loadavg()[0]!, end: Number.NaN },
  };
}
