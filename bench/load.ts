// Concurrent load with autocannon: N connections, each sending its next request as soon as the previous one
// is answered, until a fixed number of requests is answered (never "for N seconds": a slow machine must get
// answers all the same). One door at a time; the caller interleaves the doors run by run.
import autocannon from 'autocannon';
import type { Failures } from './failures';
import type { RequestSpec } from './http';
import type { Call, Door } from './scenarios';

const asRequest = (spec: RequestSpec) => ({ method: spec.method, path: spec.path, headers: spec.headers, body: spec.body });

export interface LoadOptions {
  connections: number;
  /** Calls in the run (at least `connections`; a door's call may be two requests); sized from a warm-up's throughput. */
  requests: number;
  /** A request unanswered for this long counts as hung, and fails the run. */
  timeoutSeconds: number;
  /** Calls whose effect is read back after the run. */
  verifySample: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

export async function runLoad(door: Door, options: LoadOptions, failures: Failures, phase: string): Promise<LoadResult> {
  // Each connection's context lives from building a request to its response: it pairs the two.
  const sent: Call[] = [];
  const answered: Call[] = [];
  type Context = { call?: Call };
  const perCall = door.requestsPerCall ?? 1;
  let setupError: Error | undefined;
  // Autocannon's own duration is rounded up to its sampling tick, which skews short runs: throughput is taken
  // from the first request to the last response instead.
  let startedAt = 0;
  let lastResponseAt = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    startedAt = performance.now(); // autocannon sends the first requests synchronously, before its 'start' event
    const instance = autocannon(
      {
        url: door.origin,
        connections: options.connections,
        amount: options.requests * perCall,
        timeout: options.timeoutSeconds,
        // Autocannon only notices that the last connection is done at its sampling tick (1 s by default).
        sampleInt: 250,
        requests: [
          {
            setupRequest: (request, context) => {
              try {
                const call = door.next();
                (context as Context).call = call;
                sent.push(call);
                return { ...request, ...asRequest(call.spec) };
              } catch (error) {
                setupError ??= error as Error;
                instance.stop();
                return request;
              }
            },
            onResponse: (status, _body, context) => {
              const { call } = context as Context;
              if (call && !call.then && status >= 200 && status < 300) answered.push(call);
            },
          },
          // A door whose calls are two requests: each connection sends the follow-up once the first is answered.
          ...(perCall === 2
            ? [
                {
                  setupRequest: (request: autocannon.Request, context: object) => ({ ...request, ...asRequest((context as Context).call!.then!.spec) }),
                  onResponse: (status: number, _body: string, context: object) => {
                    const { call } = context as Context;
                    if (call && status >= 200 && status < 300) answered.push(call);
                  },
                },
              ]
            : []),
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', () => (lastResponseAt = performance.now()));
  });
  if (setupError) throw setupError;

  const what = `${phase}: ${door.label}`;
  failures.add(`${what}: non-2xx responses ${JSON.stringify(result.statusCodeStats)}`, result.non2xx);
  failures.add(`${what}: connection errors`, result.errors - result.timeouts);
  failures.add(`${what}: timeouts (> ${options.timeoutSeconds} s)`, result.timeouts);

  // Read back a sample of the answered requests, spread over the run.
  const step = Math.max(1, Math.floor(answered.length / options.verifySample));
  for (let i = 0; i < answered.length; i += step) {
    try {
      await answered[i]!.verifyEffect(sent);
    } catch (error) {
      failures.add(`${what}: ${(error as Error).message}`);
    }
  }

  const completed = Math.floor(result.requests.total / perCall);
  if (completed === 0) failures.add(`${what}: no response at all`);
  const seconds = (lastResponseAt - startedAt) / 1000;
  return {
    requests: completed,
    seconds,
    requestsPerSecond: completed / seconds,
    // Autocannon times requests, not the calls of two requests: those have no latency under load here.
    p50: perCall === 1 ? result.latency.p50 : NaN,
    p99: perCall === 1 ? result.latency.p99 : NaN,
  };
}
