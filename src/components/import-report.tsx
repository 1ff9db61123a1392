import { Table } from './table';
import { buttonStyles, cardStyles } from './styles';
import type { JobDto } from '@/core/jobs';

/**
 * An import job's per-row report (a dry run's or a real one's): the counts, the refused rows' errors by line (the
 * first page of them), and the download of every refused row with its errors as CSV.
 */
export function ImportReport({ job }: { job: JobDto }) {
  return (
    <div className="space-y-3">
      <div className={cardStyles}>
        <h2 className="font-medium">Row report</h2>
        <p className="text-sm text-slate-600" data-testid="import-counts">
          {job.processed} rows checked · {job.succeeded} accepted · {job.failed} refused
        </p>
        {job.failed > 0 && (
          <a href={`/api/console/jobs/${job.id}/rejected`} download className={buttonStyles.secondary}>
            Download rejected rows (CSV)
          </a>
        )}
      </div>
      {job.errors.length > 0 && (
        <Table columns={['Line', 'Field', 'Code', 'Detail']}>
          {job.errors.map((error, index) => (
            <tr key={index}>
              <td className="px-4 py-2">{error.line}</td>
              <td className="px-4 py-2">{error.field ?? '—'}</td>
              <td className="px-4 py-2 font-mono text-xs">{error.code}</td>
              <td className="px-4 py-2">{error.detail}</td>
            </tr>
          ))}
        </Table>
      )}
      {job.errorCount > job.errors.length && <p className="text-sm text-slate-500">The first {job.errors.length} of {job.errorCount} errors; the CSV has them all.</p>}
    </div>
  );
}
