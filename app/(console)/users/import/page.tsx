import type { Metadata } from 'next';
import Link from 'next/link';
import { consoleContext } from '@/actions/context';
import { requireConsoleUser } from '@/actions/require-console-user';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { ImportReport } from '@/components/import-report';
import { buttonStyles, cardStyles, inputStyles } from '@/components/styles';
import { holds } from '@/core/authorization';
import { NotFound } from '@/core/errors';
import { finishedStatuses, getJob, type JobDto } from '@/core/jobs';

export const metadata: Metadata = { title: 'Import users' };

/** While a dry run runs, the page reloads itself this often: its report appears without JavaScript (and with it). */
const REFRESH_SECONDS = 2;

/** Fixed text per refusal the upload route sends back (never text from the address bar). */
const uploadErrors: Record<string, string> = {
  'missing-file': 'Choose a file to import.',
  format: 'The file must be CSV (.csv), NDJSON (.ndjson, .jsonl) or a JSON array (.json).',
  'too-large': 'The file is larger than this server accepts.',
  'not-multipart': 'The upload could not be read. Try again.',
  mode: 'Choose insert or upsert.',
};

async function dryRunReport(id: string | undefined): Promise<JobDto | null> {
  if (!id) return null;
  try {
    const job = await getJob(await consoleContext(), id);
    return job.kind === 'users.import' ? job : null;
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
}

/**
 * Import users from a file: a plain multipart form (works without JavaScript) that posts to the upload route, which
 * streams the file into the core import. "Dry run" comes back here with the row report; "Start import" goes to the
 * job's page.
 */
export default async function ImportUsersPage({ searchParams }: { searchParams: Promise<{ report?: string; error?: string }> }) {
  const principal = await requireConsoleUser('/users/import');
  const { report: reportId, error } = await searchParams;
  const report = await dryRunReport(reportId);
  const running = report !== null && !finishedStatuses.includes(report.status);

  return (
    <div className="space-y-6">
      {running && <meta httpEquiv="refresh" content={String(REFRESH_SECONDS)} />}
      <div>
        <Link href="/users" className="text-sm text-slate-600 hover:text-slate-900">← Users</Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Import users</h1>
      </div>
      {!holds(principal, 'users:write') ? (
        <Alert tone="error">You don&apos;t have permission to import users. Ask an admin or owner.</Alert>
      ) : (
        <>
          {error && uploadErrors[error] && <Alert tone="error">{uploadErrors[error]}</Alert>}
          <form method="post" action="/api/console/users/import" encType="multipart/form-data" className={cardStyles}>
            <p className="text-sm text-slate-600">
              CSV with a header row, NDJSON, or a JSON array; one user a row (see the import documentation for the fields).
            </p>
            {/* The mode comes before the file: the upload is read as it arrives, so its choices must be there first. */}
            <label className="block text-sm font-medium" htmlFor="import-mode">Mode</label>
            <select id="import-mode" name="mode" defaultValue="insert" className={inputStyles}>
              <option value="insert">Insert: refuse users that exist</option>
              <option value="upsert">Upsert: update users that exist (by externalId, else email)</option>
            </select>
            <label className="block text-sm font-medium" htmlFor="import-file">File</label>
            <input id="import-file" name="file" type="file" required accept=".csv,.ndjson,.jsonl,.json,text/csv,application/json,application/x-ndjson" className="block text-sm" />
            <div className="flex gap-3">
              <button type="submit" formAction="/api/console/users/import?dryRun=true" className={buttonStyles.secondary}>Dry run</button>
              <button type="submit" className={buttonStyles.primary}>Start import</button>
            </div>
          </form>
          {report && (
            <section className="space-y-3" aria-label="Dry run">
              <div className="flex items-center gap-3">
                <h2 className="text-lg font-semibold">Dry run</h2>
                <Badge value={report.status} />
              </div>
              <ImportReport job={report} />
            </section>
          )}
        </>
      )}
    </div>
  );
}
