import { expect } from 'vitest';
import { claimJob, getJob, runJobChunk } from '@/core/jobs';
import { jobKinds } from '@/core/jobs/kinds';
import type { Database } from '@/db/client';
import * as importRoute from '../../app/api/v1/users/import/route';
import { systemPrincipal } from './principals';

// POST /api/v1/users/import through its route handler, and the job it queues run to its end as the server's runner
// would: what an import test needs around the request it is about.

const BASE = 'http://localhost:3000';
const lease = { leaseMs: 60_000 };

export const ndjson = (...records: unknown[]) => records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n');

export function postImport(body: BodyInit, { type = 'application/x-ndjson', query = '', headers }: { type?: string; query?: string; headers: Record<string, string> }) {
  const init: RequestInit & { duplex: 'half' } = { method: 'POST', body, headers: { 'content-type': type, ...headers }, duplex: 'half' };
  return importRoute.POST(new Request(`${BASE}/api/v1/users/import${query}`, init), { params: Promise.resolve({}) });
}

/** Runs every queued job to its end. */
export async function runJobs(db: Database) {
  for (let claimed = await claimJob(db, lease); claimed; claimed = await claimJob(db, lease)) while ((await runJobChunk(db, jobKinds, claimed, lease)) === 'more');
}

/** The import's job, once run: 202 with the job, then its outcome. */
export async function imported(db: Database, response: Response) {
  expect(response.status).toBe(202);
  const job = await response.json();
  await runJobs(db);
  return getJob({ db, principal: systemPrincipal() }, job.id);
}
