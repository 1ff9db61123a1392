// The CPU time a PostgreSQL server on this machine spends, read from /proc: what a door costs in the database,
// next to what its own process spends (bench/profile.ts). Linux only; a remote server can't be read this way.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Whether `url` names a PostgreSQL server on this machine, whose processes /proc shows. */
export const isLocalPostgres = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

/** User + system CPU ms of each process named `postgres` (its postmaster, backends and workers), by pid, now. */
export function postgresCpuMs(): Map<string, number> {
  const byPid = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // `pid (comm) state …`: comm may hold spaces, so fields count from the last ')'; utime and stime are fields 14 and 15.
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
    const fields = stat.slice(close + 2).split(' ');
    byPid.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond);
  }
  return byPid;
}

/**
 * What the database spent between two readings (10 ms resolution per process): each process's growth, a process
 * started meanwhile counted whole. A backend that exited meanwhile (a pool closing an idle connection) is missing
 * from the second reading and counts nothing, so this can only fall short, never go negative.
 */
export function postgresCpuMsBetween(before: Map<string, number>, after: Map<string, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}
