// One client, one request at a time, the doors taking turns request by request (A B C A B C …), so that
// anything that drifts on the machine drifts for every door alike. Latency per request, as a person feels it.
import type { Failures } from './failures';
import { Client, isSuccess } from './http';
import type { Door, DoorKey } from './scenarios';

export interface SequentialOptions {
  requestsPerDoor: number;
  timeoutMs: number;
  /** Every n-th request of a door (and its first) has its response checked and its effect read back. */
  checkEvery: number;
}

export async function runSequential(doors: Door[], options: SequentialOptions, failures: Failures, phase: string): Promise<Map<DoorKey, number[]>> {
  const clients = new Map(doors.map((door) => [door.key, new Client(door.origin, options.timeoutMs)]));
  const latencies = new Map<DoorKey, number[]>(doors.map((door) => [door.key, []]));
  try {
    for (let i = 0; i < options.requestsPerDoor; i++) {
      for (const door of doors) {
        const call = door.next();
        const what = `${phase}: ${door.label} ${call.spec.method} ${call.spec.path}`;
        try {
          const client = clients.get(door.key)!;
          const result = await client.send(call.spec);
          if (!isSuccess(result.status)) {
            failures.add(`${what} answered ${result.status}`);
            continue;
          }
          // A call with a follow-up is one round trip of both requests, as the person waiting sees it.
          const followUp = call.then && (await client.send(call.then.spec));
          if (followUp && !isSuccess(followUp.status)) {
            failures.add(`${what}, then ${call.then!.spec.method} ${call.then!.spec.path} answered ${followUp.status}`);
            continue;
          }
          latencies.get(door.key)!.push(result.ms + (followUp ? followUp.ms : 0));
          if (i % options.checkEvery === 0) {
            call.checkResponse(result);
            if (followUp) call.then!.checkResponse(followUp);
            await call.verifyEffect();
          }
        } catch (error) {
          failures.add(`${what}: ${(error as Error).message}`);
        }
      }
    }
  } finally {
    for (const client of clients.values()) client.close();
  }
  return latencies;
}
