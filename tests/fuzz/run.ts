// `npm run fuzz`: black-box fuzzing of every /api operation in the OpenAPI document and every Server Action in the
// build, against the production server (scripts/server.mjs) on a throwaway PostgreSQL database. Each target gets structured requests (from the
// document's schemas, or the action's form fields) and garbage. The run fails on any 5xx, any request that hangs,
// and any database change that no accepted request accounts for. `--smoke` is the short, fixed-seed run `npm test`
// makes; the full run sends 10,000 requests per target.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { stopAll } from '../../bench/processes';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { openApiDocument } from '@/http/openapi/document';
import { rawRequest, requestBytes } from '../support/raw-http';
import { oddMethods } from './inputs';
import { actionTargets, apiTargets, type RequestSpec, type Target } from './targets';
import { createWorld, jobsSettled, snapshot, unaccountedChanges } from './world';

const { values: options } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    requests: { type: 'string' },
    seed: { type: 'string', default: '20261201' },
    concurrency: { type: 'string', default: '8' },
    only: { type: 'string' },
  },
});
const perTarget = Number(options.requests ?? (options.smoke ? 120 : 10_000));
const seed = Number(options.seed);
const concurrency = Number(options.concurrency);
/** A request with no answer by then has hung: far beyond anything this server takes, even on a busy 2-core machine. */
const HANG_MS = 60_000;

interface Outcome {
  target: string;
  requests: number;
  byStatus: Record<number, number>;
  failures: string[];
  seconds: number;
}

async function runTarget(target: Target, world: Awaited<ReturnType<typeof createWorld>>, index: number): Promise<Outcome> {
  const started = Date.now();
  const specs = fc.sample(target.requests, { seed: seed + index, numRuns: perTarget });
  const byStatus: Record<number, number> = {};
  const failures: string[] = [];
  const accepted = new Set<string>();
  let acceptedIdempotentPosts = 0;
  const before = await snapshot(world.pool);

  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const spec = await specs[next++]!;
      const describe = () => `${spec.method} ${spec.path} [${spec.headers['content-type'] ?? '-'}] ${String(spec.body ?? '').slice(0, 120)}`;
      try {
        const response = oddMethods.includes(spec.method)
          ? await sendRaw(world.server.port, spec)
          : await fetch(`${world.server.origin}${spec.path}`, {
              method: spec.method,
              headers: spec.headers,
              body: spec.method === 'GET' || spec.method === 'HEAD' ? undefined : spec.body,
              redirect: 'manual',
              signal: AbortSignal.timeout(HANG_MS),
            });
        // An event stream that opened never ends by itself: its status and headers are the answer; let it go.
        const isStream = response.ok && (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
        const text = isStream ? (await response.body?.cancel(), '') : await response.text();
        byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
        if (response.status >= 500) failures.push(`${response.status} for ${describe()}: ${text.slice(0, 200)}`);
        for (const id of target.acceptedIds(spec, response, text)) accepted.add(id);
        if (response.ok && spec.method === 'POST' && spec.headers['idempotency-key'] !== undefined) acceptedIdempotentPosts++;
      } catch (error) {
        failures.push(`${(error as Error).name === 'TimeoutError' ? 'hung' : String(error)} for ${describe()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await jobsSettled(world.pool);

  failures.push(...unaccountedChanges(before, await snapshot(world.pool), accepted, acceptedIdempotentPosts).map((change) => `database: ${change}`));
  return { target: target.name, requests: specs.length, byStatus, failures, seconds: (Date.now() - started) / 1000 };
}

/** A request fetch won't send, over a bare socket; its answer as a Response (a 502 when none came at all). */
async function sendRaw(port: number, spec: RequestSpec): Promise<Response> {
  const answer = await rawRequest(port, requestBytes(spec.method, spec.path, { headers: spec.headers, body: spec.body }), HANG_MS);
  if (!answer) return new Response('no answer: the server closed the connection', { status: 502 });
  return new Response([204, 205, 304].includes(answer.status) ? null : answer.body, { status: answer.status, headers: answer.headers });
}

async function main() {
  buildIfStale();
  const logDir = mkdtempSync(path.join(tmpdir(), 'roster-fuzz-'));
  const databaseUrl = process.env.FUZZ_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  console.log(`fuzz: ${perTarget} requests per target, seed ${seed}, ${concurrency} at a time; server log in ${logDir}`);
  const world = await createWorld({ logDir, databaseUrl });
  // Interrupted: still stop the server and drop the throwaway database.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void world.close().finally(() => process.exit(130)));
  }
  let failed = 0;
  try {
    const manifest = JSON.parse(readFileSync(path.join(process.cwd(), '.next/server/server-reference-manifest.json'), 'utf8'));
    const targets = [...apiTargets(openApiDocument(), world), ...(await actionTargets(manifest, world))].filter(
      (target) => !options.only || options.only.split(',').some((part) => target.name.includes(part)),
    );
    for (const [index, target] of targets.entries()) {
      const outcome = await runTarget(target, world, index);
      failed += outcome.failures.length;
      const statuses = Object.entries(outcome.byStatus).map(([status, count]) => `${status}×${count}`).join(' ');
      console.log(`${outcome.failures.length ? 'FAIL' : 'ok  '} ${outcome.target.padEnd(58)} ${outcome.requests} requests in ${outcome.seconds.toFixed(1)} s: ${statuses}`);
      for (const failure of outcome.failures.slice(0, 10)) console.log(`       ${failure}`);
    }
  } finally {
    await world.close();
    await stopAll();
  }
  if (failed > 0) {
    console.log(`fuzz: ${failed} failures`);
    process.exit(1);
  }
  console.log('fuzz: no 5xx, no hang, no unaccounted database change');
}

await main();
