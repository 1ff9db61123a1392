import 'server-only';
import { z } from 'zod';
import { jobStatus, type JobErrorRow, type JobRow } from '@/db/schema';
import { int32, isoDateTime, uuid } from '../bounds';

export const JOB_KIND_MAX = 64;
export const ITEM_ERROR_FIELD_MAX = 200;
export const ITEM_ERROR_CODE_MAX = 64;
export const ITEM_ERROR_DETAIL_MAX = 1_000;
/** A job keeps its first this many item errors (all are counted in `errorCount`). */
export const STORED_ERRORS_MAX = 10_000;
/** GET /api/v1/jobs/{id} lists at most this many errors; `errorsAfter` pages through the rest. */
export const ERRORS_PAGE_MAX = 100;

/** GET /api/v1/jobs/{id}'s query: `errorsAfter` pages through the errors (the `nextErrorsAfter` a page gave). */
export const getJobQuery = z.strictObject({
  errorsAfter: z.coerce
    .number({ error: 'errorsAfter must be a number' })
    .int('errorsAfter must be a whole number')
    .min(0, 'errorsAfter must be at least 0')
    .max(STORED_ERRORS_MAX, `errorsAfter must be at most ${STORED_ERRORS_MAX}`)
    .default(0)
    .meta({ format: 'int32' }),
});

export const jobStatuses = jobStatus.enumValues;
export type JobStatus = (typeof jobStatuses)[number];
export const finishedStatuses: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

/** A job as its events carry it: progress without the item errors. */
export const jobSummaryDto = z.strictObject({
  id: uuid(),
  kind: z.string().max(JOB_KIND_MAX),
  status: z.enum(jobStatuses),
  /** How many items there are, or null while not known yet (a streamed import counts as it reads). */
  total: int32(0).nullable(),
  processed: int32(0),
  succeeded: int32(0),
  failed: int32(0),
  /** Every item error counted; only the first 10,000 are kept and listed. */
  errorCount: int32(0),
  /** Why the job itself stopped with status `failed` (its items' errors are in `errors`). */
  failure: z.string().max(ITEM_ERROR_DETAIL_MAX).nullable(),
  organizationId: uuid().nullable(),
  createdAt: isoDateTime(),
  startedAt: isoDateTime().nullable(),
  finishedAt: isoDateTime().nullable(),
});
export type JobSummaryDto = z.infer<typeof jobSummaryDto>;

/** One item the job could not apply: by input `line` or by `userId`. */
export const jobErrorDto = z.strictObject({
  line: int32(1).optional(),
  userId: uuid().optional(),
  field: z.string().max(ITEM_ERROR_FIELD_MAX).optional(),
  code: z.string().max(ITEM_ERROR_CODE_MAX),
  detail: z.string().max(ITEM_ERROR_DETAIL_MAX),
});
export type JobErrorDto = z.infer<typeof jobErrorDto>;

export const jobDto = jobSummaryDto.extend({
  errors: z.array(jobErrorDto).max(ERRORS_PAGE_MAX),
  /** Pass as `errorsAfter` for the next page of errors; null on the last. */
  nextErrorsAfter: int32(0).nullable(),
});
export type JobDto = z.infer<typeof jobDto>;

export function toJobSummaryDto(row: JobRow): JobSummaryDto {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    total: row.total,
    processed: row.processed,
    succeeded: row.succeeded,
    failed: row.failed,
    errorCount: row.errorCount,
    failure: row.failure,
    organizationId: row.organizationId,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export function toJobErrorDto(row: JobErrorRow): JobErrorDto {
  return {
    ...(row.line !== null ? { line: row.line } : {}),
    ...(row.userId !== null ? { userId: row.userId } : {}),
    ...(row.field !== null ? { field: row.field } : {}),
    code: row.code,
    detail: row.detail,
  };
}
