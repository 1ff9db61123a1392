import { chunkFailed, claimJob, releaseJob, runJobChunk, type ClaimedJob, type JobKind } from '@/core/jobs';
import { jobKinds } from '@/core/jobs/kinds';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { logger } from '@/lib/logger';
import { getEventFeed } from './event-feed';
import type { StopJob } from './periodic';

export interface JobRunnerOptions {
  /** How often to look for jobs whose runner died (a new job's event wakes it at once). */
  intervalMs?: number;
  /** How long a claim holds without a chunk committing: a job whose runner died is resumed once it runs out. */
  leaseMs?: number;
  /** The pause before a chunk that could not commit is tried again. */
  retryInMs?: number;
  db?: Database;
  /**
   * Whether the job shares the database's one connection with every request (the embedded database): then it rests
   * between chunks as long as the chunk took, so a page's queries wait for one chunk at most, not for the whole job.
   */
  sharesConnection?: boolean;
  /** The kinds it can run (every kind Roster has, unless a test brings its own). */
  kinds?: ReadonlyMap<string, JobKind>;
}

/**
 * Runs background jobs (src/core/jobs), one at a time per process, on every instance: a job is claimed with SKIP
 * LOCKED and a lease that every committed chunk renews, so two instances never work on the same job and a job whose
 * runner died is resumed from its cursor once its lease runs out. Any event (a job's `job.created` among them) wakes
 * it; the timer catches expired leases. Stopping lets the chunk in progress commit and gives the job back, so the
 * next instance resumes it at once.
 */
/** The longest rest between two chunks on a shared connection: a slow chunk does not stall the job for long. */
const maxRestMs = 1_000;

export function startJobRunner({
  intervalMs = Number(process.env.ROSTER_JOBS_POLL_MS ?? 1_000),
  leaseMs = Number(process.env.ROSTER_JOBS_LEASE_MS ?? 60_000),
  retryInMs = 5_000,
  db: database,
  sharesConnection,
  kinds = jobKinds,
}: JobRunnerOptions = {}): StopJob {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;

  const work = async (db: Database, job: ClaimedJob, rests: boolean): Promise<void> => {
    for (;;) {
      if (stopped) return releaseJob(db, job);
      try {
        const started = performance.now();
        if ((await runJobChunk(db, kinds, job, { leaseMs })) !== 'more') return;
        if (rests) await new Promise((resolve) => setTimeout(resolve, Math.min(performance.now() - started, maxRestMs)));
      } catch (error) {
        logger.error({ err: error, jobId: job.id }, 'job chunk failed; it will be retried from its cursor');
        return chunkFailed(db, job, { retryInMs });
      }
    }
  };

  const pass = async (): Promise<void> => {
    try {
      const handle = database ? undefined : await getDatabase();
      const db = database ?? handle!.db;
      const rests = sharesConnection ?? handle?.driver === 'pglite';
      // A job claimed just as the runner stops is still worked on: work() gives it straight back.
      for (let job = await claimJob(db, { leaseMs }); job; job = stopped ? undefined : await claimJob(db, { leaseMs })) {
        logger.info({ jobId: job.id }, 'job claimed');
        await work(db, job, rests);
      }
    } catch (error) {
      logger.error({ err: error }, 'job runner pass failed; will retry');
    }
  };

  const tick = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        tick();
      }
    });
  };

  let leaveFeed = () => {};
  getEventFeed().then(
    (feed) => {
      if (!stopped) leaveFeed = feed.add({ deliver: tick, close: () => {} });
    },
    (error: unknown) => logger.error({ err: error }, 'job runner could not follow the event log; polling only'),
  );
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    leaveFeed();
    await running;
  };
}
