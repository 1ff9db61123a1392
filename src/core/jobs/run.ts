import 'server-only';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database, Transaction } from '@/db/client';
import { apiKeys, jobErrors, jobs, users, type JobRow } from '@/db/schema';
import { postgresErrorCode } from '../db-errors';
import { Conflict, DomainError, ValidationFailed } from '../errors';
import { recordEvent } from '../events';
import type { Principal } from '../principal';
import { ITEM_ERROR_CODE_MAX, ITEM_ERROR_DETAIL_MAX, ITEM_ERROR_FIELD_MAX, STORED_ERRORS_MAX, toJobSummaryDto } from './dto';
import type { ItemError, ItemRef, JobChunk, JobKind, RefusedItem } from './kind';

/** A job this runner holds, with the lease token that proves it. */
export interface ClaimedJob {
  id: string;
  leaseToken: string;
}

/** What became of a chunk: more to do, the job is over, or the job was taken away (canceled, lease lost). */
export type ChunkOutcome = 'more' | 'finished' | 'lost';

/** A chunk that could not commit (not an item: those fail alone) is retried this often before the job fails. */
export const CHUNK_ATTEMPTS_MAX = 5;

/**
 * Leases the oldest job that is queued, or running with no live holder (its runner stopped or crashed), in one
 * statement. SKIP LOCKED keeps runners claiming at the same time off each other's row; the lease (and, during a
 * chunk, the row lock) keeps them off it afterwards.
 */
export async function claimJob(db: Database, { leaseMs, now = new Date() }: { leaseMs: number; now?: Date }): Promise<ClaimedJob | undefined> {
  const claimable = or(eq(jobs.status, 'queued'), and(eq(jobs.status, 'running'), or(isNull(jobs.leaseExpiresAt), lt(jobs.leaseExpiresAt, now))));
  const next = db.select({ id: jobs.id }).from(jobs).where(claimable).orderBy(asc(jobs.createdAt), asc(jobs.id)).limit(1).for('update', { skipLocked: true });
  const [job] = await db
    .update(jobs)
    .set({ status: 'running', leaseToken: uuidv7(), leaseExpiresAt: new Date(now.getTime() + leaseMs), startedAt: sql`coalesce(${jobs.startedAt}, now())` })
    .where(and(eq(jobs.id, next), claimable))
    .returning({ id: jobs.id, leaseToken: jobs.leaseToken });
  return job ? { id: job.id, leaseToken: job.leaseToken! } : undefined;
}

/** Gives a job back (shutdown): any runner may take it at once and resume from its cursor. */
export async function releaseJob(db: Database, job: ClaimedJob): Promise<void> {
  await db
    .update(jobs)
    .set({ leaseToken: null, leaseExpiresAt: null })
    .where(and(eq(jobs.id, job.id), eq(jobs.leaseToken, job.leaseToken), eq(jobs.status, 'running')));
}

/**
 * Runs the next chunk of a claimed job in one transaction: the job's row locked (so a cancel waits for it), the
 * kind's items each in a savepoint, then the cursor, the counters and a renewed lease, all committed together. A
 * restart therefore resumes after the last committed item, never applying one twice.
 */
export async function runJobChunk(db: Database, kinds: ReadonlyMap<string, JobKind>, claimed: ClaimedJob, { leaseMs }: { leaseMs: number }): Promise<ChunkOutcome> {
  return db.transaction(async (tx) => {
    const [job] = await tx
      .select()
      .from(jobs)
      .where(and(eq(jobs.id, claimed.id), eq(jobs.leaseToken, claimed.leaseToken), eq(jobs.status, 'running')))
      .for('update');
    if (!job) return 'lost';
    const kind = kinds.get(job.kind);
    if (!kind) return finish(tx, job, { failure: `No runner knows job kind "${job.kind}".` });
    const parsed = kind.params.safeParse(job.params);
    if (!parsed.success) return finish(tx, job, { failure: 'The job’s parameters are no longer valid.' });
    const acting = await principalNow(tx, job);
    if (!acting) return finish(tx, job, { failure: 'Whoever started the job has been removed, suspended or revoked since.' });

    const counts = { processed: 0, succeeded: 0, failed: 0, errors: 0 };
    let total = job.total;
    const reject = async (ref: ItemRef, errors: ItemError[]) => {
      counts.processed += 1;
      counts.failed += 1;
      const stored = errors.filter((_, index) => job.errorCount + counts.errors + index < STORED_ERRORS_MAX);
      if (stored.length > 0) {
        await tx.insert(jobErrors).values(
          stored.map((error, index) => ({
            jobId: job.id,
            seq: job.errorCount + counts.errors + index + 1,
            line: ref.line ?? null,
            userId: ref.userId ?? null,
            field: error.field?.slice(0, ITEM_ERROR_FIELD_MAX) ?? null,
            code: error.code.slice(0, ITEM_ERROR_CODE_MAX),
            detail: error.detail.slice(0, ITEM_ERROR_DETAIL_MAX),
          })),
        );
      }
      counts.errors += errors.length;
    };
    const chunk: JobChunk<unknown, unknown> = {
      jobId: job.id,
      params: parsed.data,
      cursor: job.cursor ?? null,
      principal: { ...acting, jobId: job.id },
      tx,
      async item(ref, apply) {
        try {
          await tx.transaction(apply);
        } catch (error) {
          // Anything but a domain error (a bug, the database going away) fails the chunk, which is retried whole.
          if (!(error instanceof DomainError)) throw error;
          await reject(ref, itemErrors(error));
          return false;
        }
        counts.processed += 1;
        counts.succeeded += 1;
        return true;
      },
      async items(apply, count) {
        let refused: RefusedItem[];
        try {
          refused = await tx.transaction(apply);
        } catch (error) {
          // A refused value or constraint (SQLSTATE class 22 or 23) or a domain error: the savepoint undid it all, and the
          // caller retries item by item so only the culprit fails. Anything else fails the chunk, as in `item`.
          if (!(error instanceof DomainError) && !/^2[23]/.test(postgresErrorCode(error) ?? '')) throw error;
          return false;
        }
        for (const { ref, errors } of refused) await reject(ref, errors);
        counts.processed += count - refused.length;
        counts.succeeded += count - refused.length;
        return true;
      },
      reject,
      setTotal(value) {
        total = value;
      },
    };
    const result = await kind.runChunk(chunk);
    const progress = {
      cursor: result.cursor,
      total,
      processed: job.processed + counts.processed,
      succeeded: job.succeeded + counts.succeeded,
      failed: job.failed + counts.failed,
      errorCount: job.errorCount + counts.errors,
      attempts: 0,
    };
    if (result.done) return finish(tx, { ...job, ...progress }, {});
    const [row] = await tx
      .update(jobs)
      .set({ ...progress, leaseExpiresAt: new Date(Date.now() + leaseMs) })
      .where(eq(jobs.id, job.id))
      .returning();
    // Progress goes over the event log like any change: the console's job page (any instance) moves its bar on it.
    await recordEvent(tx, chunk.principal, {
      type: 'job.progress',
      subject: { type: 'job', id: job.id },
      organizationId: job.organizationId ?? undefined,
      changes: { processed: { before: job.processed, after: progress.processed } },
      data: { job: toJobSummaryDto(row!) },
    });
    return 'more';
  });
}

/**
 * Counts a chunk that could not commit: the job is given back after a pause (to this runner or another) to retry
 * from its cursor, and fails once this has happened CHUNK_ATTEMPTS_MAX times in a row.
 */
export async function chunkFailed(db: Database, claimed: ClaimedJob, { retryInMs }: { retryInMs: number }): Promise<void> {
  await db.transaction(async (tx) => {
    const [job] = await tx
      .select()
      .from(jobs)
      .where(and(eq(jobs.id, claimed.id), eq(jobs.leaseToken, claimed.leaseToken), eq(jobs.status, 'running')))
      .for('update');
    if (!job) return;
    if (job.attempts + 1 >= CHUNK_ATTEMPTS_MAX) {
      await finish(tx, { ...job, attempts: job.attempts + 1 }, { failure: 'The job stopped after repeated internal errors; what it applied stays applied.' });
      return;
    }
    await tx
      .update(jobs)
      .set({ attempts: job.attempts + 1, leaseToken: null, leaseExpiresAt: new Date(Date.now() + retryInMs) })
      .where(eq(jobs.id, job.id));
  });
}

/** Ends a job (succeeded, or failed with `failure`) with its `job.finished` event, as whoever started it. */
async function finish(tx: Transaction, job: JobRow, { failure }: { failure?: string }): Promise<'finished'> {
  const status = failure === undefined ? 'succeeded' : 'failed';
  const { cursor, total, processed, succeeded, failed, errorCount, attempts } = job;
  const [row] = await tx
    .update(jobs)
    .set({ cursor, total, processed, succeeded, failed, errorCount, attempts, status, failure: failure ?? null, finishedAt: new Date(), leaseToken: null, leaseExpiresAt: null })
    .where(eq(jobs.id, job.id))
    .returning();
  await recordEvent(tx, { ...(job.principal as Principal), jobId: job.id }, {
    type: 'job.finished',
    subject: { type: 'job', id: job.id },
    organizationId: job.organizationId ?? undefined,
    changes: { status: { before: 'running', after: status } },
    data: { job: toJobSummaryDto(row!) },
  });
  return 'finished';
}

/**
 * The job's principal as it stands now: a user with their current role, a key still valid; null once they are gone,
 * suspended, revoked or expired (the job must not outlive its maker's authority).
 */
async function principalNow(tx: Transaction, job: JobRow): Promise<Principal | null> {
  const stored = job.principal as Principal;
  if (stored.kind === 'user') {
    const [user] = await tx.select({ role: users.role, status: users.status }).from(users).where(eq(users.id, stored.userId));
    return user && user.status === 'active' ? { ...stored, role: user.role } : null;
  }
  if (stored.kind === 'apiKey') {
    const [key] = await tx.select({ revokedAt: apiKeys.revokedAt, expiresAt: apiKeys.expiresAt }).from(apiKeys).where(eq(apiKeys.id, stored.keyId));
    return key && !key.revokedAt && (!key.expiresAt || key.expiresAt > new Date()) ? stored : null;
  }
  return stored;
}

/** An item's domain error as the job lists it: one entry per invalid field, else the error's code and message. */
function itemErrors(error: DomainError): ItemError[] {
  if (error instanceof ValidationFailed) {
    return error.issues.map((issue) => ({ ...(issue.path.length > 0 ? { field: issue.path.join('.') } : {}), code: error.code, detail: issue.message }));
  }
  return [{ ...(error instanceof Conflict && error.field ? { field: error.field } : {}), code: error.code, detail: error.message }];
}
