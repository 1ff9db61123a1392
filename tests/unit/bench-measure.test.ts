import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Failures } from '../../bench/failures';
import { measureScenario } from '../../bench/measure';
import { parseOptions } from '../../bench/options';
import type { Door, Scenario } from '../../bench/scenarios';

// The bench harness must never pass or fail by the machine's speed: a door slower than any fixed warm-up window
// still gets measured, and a door that answers with errors still fails the run.

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server that answers every request with `status` after `delayMs`. */
async function slowServer(delayMs: number, status: number): Promise<string> {
  const server = http.createServer((_request, response) => {
    setTimeout(() => response.writeHead(status, { 'content-type': 'application/json' }).end('{}'), delayMs);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function scenarioAt(origin: string): Scenario {
  const door: Door = {
    key: 'route',
    label: 'slow door',
    origin,
    next: () => ({ spec: { method: 'GET', path: '/', headers: {} }, checkResponse: () => {}, verifyEffect: async () => {} }),
  };
  return { name: 'read', title: 'slow', operation: 'wait, then answer', doors: [door], ratios: [] };
}

// Few requests, so the test is quick; the warm-up under load still has 10 connections waiting on each answer.
const options = parseOptions(['--smoke', '--requests', '2', '--connections', '10', '--duration', '0.1']);

describe('bench measurement', () => {
  it('measures a door whose every answer takes longer than a half-second warm-up window', async () => {
    const failures = new Failures();
    const result = await measureScenario(scenarioAt(await slowServer(700, 200)), options, failures, 'slow');
    expect(failures.total).toBe(0);
    const load = result.doors[0]!.load['10']!;
    expect(load.requests[0]).toBeGreaterThanOrEqual(20); // at least 2 per connection, whatever the pace
    expect(result.doors[0]!.sequential.p50[0]).toBeGreaterThanOrEqual(700);
  });

  it('still fails a door that answers with errors', async () => {
    const failures = new Failures();
    await expect(measureScenario(scenarioAt(await slowServer(10, 500)), options, failures, 'broken')).rejects.toThrow(/answered 500/);
    expect(failures.total).toBeGreaterThan(0);
  });
});
