import 'server-only';
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Transaction } from '@/db/client';
import { jobErrors, jobs, type JobRow } from '@/db/schema';
import { roleAtLeast } from '../authorization';
import { Conflict, NotFound, Unauthenticated } from '../errors';
import { recordEvent } from '../events';
import { actorOf, type CoreContext, type Principal } from '../principal';
import { isUuid, parseInput } from '../validation';
import { ERRORS_PAGE_MAX, finishedStatuses, getJobQuery, toJobErrorDto, toJobSummaryDto, type JobDto, type JobSummaryDto } from './dto';
import type { JobKind } from './kind';

export interface NewJob<Params> {
  params: Params;
  /** The number of items, when known at the start. */
  total?: number;
  organizationId?: string;
}

/**
 * Queues a job of `kind` for `principal`, in the caller's transaction (with its `job.created` event): it starts once
 * that commits, on whichever instance claims it first. The caller has authorized the work; each item is authorized
 * again when it runs, as `principal`. `params` are validated by the kind and stored as JSON: never pass a secret.
 */
export async function createJob<Params>(tx: Transaction, principal: Principal, kind: JobKind<Params>, job: NewJob<Params>): Promise<JobSummaryDto> {
  const params = kind.params.parse(job.params) as Record<string, unknown>;
  const [row] = await tx
    .insert(jobs)
    .values({ id: uuidv7(), kind: kind.name, params, total: job.total ?? null, createdBy: actorOf(principal), principal: { ...principal, jobId: undefined }, organizationId: job.organizationId ?? null })
    .returning();
  const summary = toJobSummaryDto(row!);
  await recordEvent(tx, principal, { type: 'job.created', subject: { type: 'job', id: row!.id }, organizationId: job.organizationId, changes: {}, data: { job: summary } });
  return summary;
}

/** Staff who run the console (admins, owners, Roster itself) see every job; anyone else only the jobs they started. */
function mayRead(principal: Principal, job: JobRow): boolean {
  if (principal.kind === 'system') return true;
  if (principal.kind === 'user' && roleAtLeast(principal.role, 'admin')) return true;
  return actorOf(principal) === job.createdBy;
}

/** A job `principal` may see: anything else (another's job, a malformed id) is a 404, so ids reveal nothing. */
async function readableJob(ctx: CoreContext, id: string, lock: boolean): Promise<JobRow> {
  if (ctx.principal.kind === 'anonymous') throw new Unauthenticated('Sign in or send credentials to do this.');
  if (!isUuid(id)) throw new NotFound('Job');
  const query = ctx.db.select().from(jobs).where(eq(jobs.id, id));
  const [job] = lock ? await query.for('update') : await query;
  if (!job || !mayRead(ctx.principal, job)) throw new NotFound('Job');
  return job;
}

/** A job's progress and a page of its item errors (in the order they happened, after `errorsAfter`). */
export async function getJob(ctx: CoreContext, id: string, rawQuery: unknown = {}): Promise<JobDto> {
  const job = await readableJob(ctx, id, false);
  const { errorsAfter } = parseInput(getJobQuery, rawQuery, 'query');
  const rows = await ctx.db
    .select()
    .from(jobErrors)
    .where(and(eq(jobErrors.jobId, id), gt(jobErrors.seq, errorsAfter)))
    .orderBy(asc(jobErrors.seq))
    .limit(ERRORS_PAGE_MAX + 1);
  const page = rows.slice(0, ERRORS_PAGE_MAX);
  return { ...toJobSummaryDto(job), errors: page.map(toJobErrorDto), nextErrorsAfter: rows.length > ERRORS_PAGE_MAX ? page.at(-1)!.seq : null };
}

/**
 * Cancels a queued or running job at once: a chunk in progress finishes first (its row lock makes this wait) and no
 * further chunk starts, so every item is either applied or not, never half. Canceling a canceled job changes nothing;
 * one that succeeded or failed is a 409.
 */
export async function cancelJob(ctx: CoreContext, id: string): Promise<JobSummaryDto> {
  return ctx.db.transaction(async (tx) => {
    const job = await readableJob({ ...ctx, db: tx }, id, true);
    if (job.status === 'canceled') return toJobSummaryDto(job);
    if (finishedStatuses.includes(job.status)) throw new Conflict(`The job has finished (${job.status}); there is nothing to cancel.`);
    const [row] = await tx
      .update(jobs)
      .set({ status: 'canceled', finishedAt: new Date(), leaseToken: null, leaseExpiresAt: null })
      .where(and(eq(jobs.id, id), inArray(jobs.status, ['queued', 'running'])))
      .returning();
    const summary = toJobSummaryDto(row!);
    await recordEvent(tx, ctx.principal, {
      type: 'job.finished',
      subject: { type: 'job', id },
      organizationId: row!.organizationId ?? undefined,
      changes: { status: { before: job.status, after: 'canceled' } },
      data: { job: summary },
    });
    return summary;
  });
}
