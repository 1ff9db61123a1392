import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { consoleContext } from '@/actions/context';
import { requireConsoleUser } from '@/actions/require-console-user';
import { Badge } from '@/components/badge';
import { LiveUpdates } from '@/components/live-updates';
import { cardStyles } from '@/components/styles';
import { Timestamp } from '@/components/timestamp';
import { NotFound } from '@/core/errors';
import { finishedStatuses, getJob, type JobDto } from '@/core/jobs';
import { importJob } from '@/core/users/import';
import { ImportReport } from '@/components/import-report';

export const metadata: Metadata = { title: 'Job' };

/** While a job runs without JavaScript, the page reloads itself this often (with it, the event stream moves the bar). */
const REFRESH_SECONDS = 2;

async function readJob(id: string): Promise<JobDto | null> {
  try {
    return await getJob(await consoleContext(), id);
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
}

/** A job's progress: a bar of processed out of total, the counts, and the first item errors. */
export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireConsoleUser(`/jobs/${id}`);
  const job = await readJob(id);
  if (!job) notFound();
  const running = !finishedStatuses.includes(job.status);

  return (
    <div className="space-y-6">
      {running && (
        <noscript>
          <meta httpEquiv="refresh" content={String(REFRESH_SECONDS)} />
        </noscript>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Job {job.kind}</h1>
        <Badge value={job.status} />
        {running && <LiveUpdates follows="job" id={job.id} />}
      </div>
      <div className={cardStyles}>
        <label className="block text-sm text-slate-600" htmlFor="job-progress">
          {job.processed} of {job.total ?? '?'} processed · {job.succeeded} succeeded · {job.failed} failed
        </label>
        <progress id="job-progress" className="mt-2 w-full" value={job.processed} max={Math.max(job.total ?? job.processed, 1)} />
        <p className="mt-2 text-sm text-slate-500">
          Started <Timestamp iso={job.createdAt} />
          {job.finishedAt && (
            <>
              {' '}· finished <Timestamp iso={job.finishedAt} />
            </>
          )}
        </p>
        {job.failure && <p className="mt-2 text-sm text-red-700">{job.failure}</p>}
      </div>
      {job.kind === importJob.name ? (
        <ImportReport job={job} />
      ) : job.errors.length > 0 && (
        <div className={cardStyles}>
          <h2 className="font-medium">Items not applied ({job.errorCount})</h2>
          <ul className="mt-2 space-y-1 text-sm">
            {job.errors.map((error, index) => (
              <li key={index}>
                {error.userId ? `User ${error.userId}` : `Line ${error.line}`}
                {error.field && ` · ${error.field}`}: {error.detail} <span className="text-slate-500">({error.code})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
