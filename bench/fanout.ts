// The SSE fan-out scenario: N subscribers on GET /api/v1/events (in a child process, bench/fanout-subscribers.ts),
// one writer renaming users through the API at a steady rate. Measures the time from the writer holding the write's
// 200 (its commit acknowledged) to the event at each subscriber, and the server's memory per open stream.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { credentials } from './auth';
import type { Fixture } from './database';
import type { Failures } from './failures';
import { Client, isSuccess } from './http';
import { delay, type Server } from './processes';
import { percentile } from './stats';

export interface FanoutOptions {
  subscribers: number;
  events: number;
  writesPerSecond: number;
  /** A wait past this many seconds (for streams to open, or for every delivery) is a failure, not a result. */
  hangSeconds: number;
}

export interface FanoutResult {
  subscribers: number;
  events: number;
  writesPerSecond: number;
  /** Commit acknowledged to the writer → event at the subscriber, over every (event, subscriber) pair. */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Deliveries that reached a subscriber before the writer had its 200 (counted as 0 ms above). */
  beforeAck: number;
  /** The same from the moment the write was sent: an upper bound that includes the write itself. */
  fromRequestMs: { p50: number; p99: number };
  memory: { idleMiB: number; openMiB: number; perStreamKiB: number };
}

/** Streams one credential may hold (ROSTER_EVENTS_MAX_STREAMS_PER_CREDENTIAL's default): the bench seeds enough keys. */
export const streamsPerKey = 5;

const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/** The server's resident memory, the median of a few samples (what the process really holds, GC or not). */
async function settledRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssBytes(pid));
    await delay(200);
  }
  return percentile(samples, 50);
}

type ChildMessage =
  | { type: 'ready' }
  | { type: 'progress'; complete: number }
  | { type: 'report'; received: Record<string, number>[]; errors: string[]; errorCount: number };

export async function measureFanout(server: Server, fixture: Fixture, options: FanoutOptions, failures: Failures, phase: string): Promise<FanoutResult> {
  const pid = server.child.pid!;
  const idle = await settledRss(pid);
  const prefix = `Fanout ${Date.now().toString(36)} `;
  const child = fork(path.join(import.meta.dirname, 'fanout-subscribers.ts'), {
    execArgv: ['--conditions=react-server', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: ChildMessage[] = [];
  const waitFor = async <T extends ChildMessage['type']>(type: T, what: string) => {
    const deadline = Date.now() + options.hangSeconds * 1000;
    for (;;) {
      const at = messages.findIndex((candidate) => candidate.type === type);
      if (at >= 0) return messages.splice(at, 1)[0] as Extract<ChildMessage, { type: T }>;
      if (child.exitCode !== null) throw new Error(`${phase}: the subscriber process exited (${child.exitCode}) before ${what}`);
      if (Date.now() > deadline) throw new Error(`${phase}: no ${what} within ${options.hangSeconds} s`);
      await delay(50);
    }
  };
  child.on('message', (message: ChildMessage) => messages.push(message));
  try {
    const authorizations = Array.from({ length: options.subscribers }, (_, i) => `Bearer ${fixture.eventKeys[Math.floor(i / streamsPerKey)]}`);
    child.send({ url: `${server.origin}/api/v1/events`, authorizations, namePrefix: prefix });
    await waitFor('ready', `${options.subscribers} open streams`);
    const open = await settledRss(pid);

    // One writer at a steady rate: write n is sent at start + n / rate (later if the previous one is still out).
    const client = new Client(server.origin, options.hangSeconds * 1000);
    const sent = new Map<string, number>();
    const acknowledged = new Map<string, number>();
    const started = performance.timeOrigin + performance.now();
    try {
      for (let n = 0; n < options.events; n++) {
        const due = started + (n * 1000) / options.writesPerSecond;
        const wait = due - (performance.timeOrigin + performance.now());
        if (wait > 0) await delay(wait);
        const target = fixture.updateTargets[n % fixture.updateTargets.length]!;
        const name = `${prefix}${n}`;
        sent.set(name, performance.timeOrigin + performance.now());
        const result = await client.send({
          method: 'PATCH',
          path: `/api/v1/users/${target.id}`,
          headers: { ...credentials.api, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ name }),
        });
        acknowledged.set(name, performance.timeOrigin + performance.now());
        if (!isSuccess(result.status)) failures.add(`${phase}: PATCH answered ${result.status}`);
      }
    } finally {
      client.close();
    }

    // Every subscriber must get every event: wait until they have (or the hang limit passes), then collect.
    const deadline = Date.now() + options.hangSeconds * 1000;
    for (;;) {
      child.send({ type: 'progress', expected: options.events });
      const { complete } = await waitFor('progress', 'progress report');
      if (complete === options.subscribers || Date.now() > deadline) break;
      await delay(100);
    }
    child.send({ type: 'report' });
    const result = await waitFor('report', 'delivery report');
    failures.add(`${phase}: subscriber errors: ${result.errors.join('; ')}`, result.errorCount);
    const fromAck: number[] = [];
    const fromSend: number[] = [];
    let beforeAck = 0;
    let missing = 0;
    for (const got of result.received) {
      for (const name of sent.keys()) {
        const at = got[name];
        if (at === undefined) {
          missing += 1;
          continue;
        }
        const latency = at - acknowledged.get(name)!;
        if (latency < 0) beforeAck += 1;
        fromAck.push(Math.max(0, latency));
        fromSend.push(at - sent.get(name)!);
      }
    }
    failures.add(`${phase}: deliveries missing`, missing);
    return {
      subscribers: options.subscribers,
      events: options.events,
      writesPerSecond: options.writesPerSecond,
      latencyMs: { p50: percentile(fromAck, 50), p90: percentile(fromAck, 90), p99: percentile(fromAck, 99), max: percentile(fromAck, 100) },
      beforeAck,
      fromRequestMs: { p50: percentile(fromSend, 50), p99: percentile(fromSend, 99) },
      memory: { idleMiB: idle / 2 ** 20, openMiB: open / 2 ** 20, perStreamKiB: (open - idle) / 1024 / options.subscribers },
    };
  } finally {
    child.kill();
  }
}
