// A server process's resident memory while the bench makes it work: its peak above idle is its VmHWM after resetting
// it (clear_refs) just before the work, cross-checked by sampling VmRSS every 20 ms meanwhile.
import { readFileSync, writeFileSync } from 'node:fs';
import { delay } from './processes';

export interface MemoryReading {
  idleMiB: number;
  peakMiB: number;
  aboveIdleMiB: number;
  how: 'VmHWM' | 'VmRSS samples';
}

const kib = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

/** Resets the process's VmHWM to its current RSS (Linux ≥ 4.0); false where that isn't allowed. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Runs `work` and reads process `pid`'s idle resident memory before it and its peak during it. */
export async function peakMemoryDuring<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; memory: MemoryReading }> {
  await delay(500);
  const idle = kib(pid, 'VmRSS');
  const byHwm = resetPeak(pid);
  let sampled = idle;
  const sampler = setInterval(() => (sampled = Math.max(sampled, kib(pid, 'VmRSS'))), 20);
  let value: T;
  try {
    value = await work();
  } finally {
    clearInterval(sampler);
  }
  const peak = byHwm ? Math.max(kib(pid, 'VmHWM'), sampled) : sampled;
  return { value, memory: { idleMiB: idle / 1024, peakMiB: peak / 1024, aboveIdleMiB: (peak - idle) / 1024, how: byHwm ? 'VmHWM' : 'VmRSS samples' } };
}
