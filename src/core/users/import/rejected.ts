import 'server-only';
import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, gt, inArray, isNotNull, sql } from 'drizzle-orm';
import { importRows, jobErrors, jobs } from '@/db/schema';
import { authorize } from '../../authorization';
import { NotFound } from '../../errors';
import { getJob } from '../../jobs';
import type { CoreContext } from '../../principal';
import { importJob } from './job';
import { importRecord } from './records';

/** Refused lines read per query while the CSV streams. */
const LINES_PER_BATCH = 500;
const ERROR_COLUMNS = ['errorFields', 'errorCodes', 'errorDetails'] as const;
const recordFields = Object.keys(importRecord.shape);

interface RefusedLine {
  line: number;
  errors: { field: string | null; code: string; detail: string }[];
}

/**
 * The rows an import refused, as CSV: `line`, the row as it was read (its columns those of the refused rows, the
 * record's fields first), then its errors (`errorFields`, `errorCodes`, `errorDetails`, several joined with "; ").
 * The original cells come from the staged rows a finished job keeps (until the staging sweep; after it, only the line
 * and errors are left). Needs users:write, as importing does, and the job's visibility (getJob). Throws before any
 * row is read; the rows then stream a batch at a time.
 */
export async function rejectedRowsCsv(ctx: CoreContext, jobId: string): Promise<AsyncGenerator<string>> {
  authorize(ctx.principal, 'users:write');
  await getJob(ctx, jobId);
  const [job] = await ctx.db.select({ params: jobs.params }).from(jobs).where(and(eq(jobs.id, jobId), eq(jobs.kind, importJob.name)));
  if (!job) throw new NotFound('Job');
  const uploadId = String(job.params.uploadId);
  const columns = ['line', ...(await originalColumns(ctx, jobId, uploadId)), ...ERROR_COLUMNS];
  return rows(ctx, jobId, uploadId, columns);
}

async function* rows(ctx: CoreContext, jobId: string, uploadId: string, columns: string[]): AsyncGenerator<string> {
  yield stringify([columns]);
  for (let after = 0; ; ) {
    const refused = await refusedLines(ctx, jobId, after);
    if (refused.length === 0) return;
    const originals = await ctx.db
      .select({ line: importRows.line, record: importRows.record })
      .from(importRows)
      .where(and(eq(importRows.uploadId, uploadId), inArray(importRows.line, refused.map((row) => row.line))));
    const byLine = new Map(originals.map((row) => [row.line, row.record ?? {}]));
    yield stringify(refused.map((row) => cellsOf(columns, row, byLine.get(row.line) ?? {})));
    after = refused.at(-1)!.line;
  }
}

/** The next refused lines after `after`, each with its errors in the order they were found. */
function refusedLines(ctx: CoreContext, jobId: string, after: number): Promise<RefusedLine[]> {
  return ctx.db
    .select({
      line: sql<number>`${jobErrors.line}`,
      errors: sql<RefusedLine['errors']>`json_agg(json_build_object('field', ${jobErrors.field}, 'code', ${jobErrors.code}, 'detail', ${jobErrors.detail}) order by ${jobErrors.seq})`,
    })
    .from(jobErrors)
    .where(and(eq(jobErrors.jobId, jobId), isNotNull(jobErrors.line), gt(jobErrors.line, after)))
    .groupBy(jobErrors.line)
    .orderBy(asc(jobErrors.line))
    .limit(LINES_PER_BATCH);
}

/** The columns the refused rows had: the import's fields in their usual order, then any others (unknown fields). */
async function originalColumns(ctx: CoreContext, jobId: string, uploadId: string): Promise<string[]> {
  const refused = ctx.db.select({ line: jobErrors.line }).from(jobErrors).where(eq(jobErrors.jobId, jobId));
  const keys = await ctx.db
    .selectDistinct({ key: sql<string>`jsonb_object_keys(${importRows.record})` })
    .from(importRows)
    .where(and(eq(importRows.uploadId, uploadId), isNotNull(importRows.record), inArray(importRows.line, refused)));
  const present = new Set(keys.map((row) => row.key));
  return [...recordFields.filter((field) => present.has(field)), ...[...present].filter((key) => !recordFields.includes(key)).sort()];
}

function cellsOf(columns: string[], refused: RefusedLine, original: Record<string, unknown>): string[] {
  const errors = { errorFields: refused.errors.map((error) => error.field ?? ''), errorCodes: refused.errors.map((error) => error.code), errorDetails: refused.errors.map((error) => error.detail) };
  return columns.map((column) => {
    if (column === 'line') return String(refused.line);
    if (column in errors) return errors[column as keyof typeof errors].join('; ');
    return cellOf(original[column]);
  });
}

/** A cell as the import reads it back: text as is, metadata (an object) as JSON, nothing as empty. */
function cellOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
