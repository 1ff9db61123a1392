import 'server-only';
import { and, asc, eq, gt, isNotNull, notInArray } from 'drizzle-orm';
import { z } from 'zod';
import { importRows, jobErrors } from '@/db/schema';
import { defineJobKind, type JobChunk, type RefusedItem } from '../../jobs/kind';
import { applyRow, dryRunBatch, insertBatch } from './apply';
import { validateRow, type RowError, type ValidRow } from './validate';

/** Staged rows per chunk: one multi-row INSERT per table (insert mode), and a chunk should take seconds at most. */
const CHUNK_ROWS = 500;

// `invite` came later: jobs queued before it have none.
const params = z.strictObject({ uploadId: z.uuid(), mode: z.enum(['insert', 'upsert']), dryRun: z.boolean(), invite: z.boolean().default(false) });
type Params = z.infer<typeof params>;

/**
 * The `users.import` job: the rows its request staged (import_rows), in line order, a chunk at a time from the last
 * committed line. Each row is checked again as the job's creator stands now. Insert mode creates a chunk's users
 * together (one savepoint; taken emails and unknown organizations are row errors) and, should that fail, row by row
 * in a savepoint each; upsert mode goes row by row. A dry run checks the same and applies nothing. When the job is
 * done its staged rows go, but for the refused ones: those stay for the rejected-rows CSV until the staging sweep
 * (./staging.ts) takes them.
 */
export const importJob = defineJobKind<Params, number>({
  name: 'users.import',
  params,
  async runChunk(chunk) {
    const rows = await chunk.tx
      .select()
      .from(importRows)
      .where(and(eq(importRows.uploadId, chunk.params.uploadId), gt(importRows.line, chunk.cursor ?? 0)))
      .orderBy(asc(importRows.line))
      .limit(CHUNK_ROWS);
    const valid: ValidRow[] = [];
    for (const row of rows) {
      const checked = row.errors ? row.errors.map((error) => ({ line: row.line, ...error })) : validateRow(chunk.principal, { line: row.line, value: row.record });
      if (Array.isArray(checked)) await rejectRow(chunk, row.line, checked);
      else valid.push(checked);
    }
    if (chunk.params.dryRun) await checkOnly(chunk, valid);
    else if (chunk.params.mode === 'insert') await insertChunk(chunk, valid);
    else await applyEach(chunk, valid);
    const done = rows.length < CHUNK_ROWS;
    if (done) await dropAppliedRows(chunk);
    return { cursor: rows.at(-1)?.line ?? chunk.cursor ?? 0, done };
  },
});

/** Deletes the upload's staged rows but for those of a line with a kept error (job_errors), which stay for the CSV. */
const dropAppliedRows = (chunk: JobChunk<Params, number>) =>
  chunk.tx
    .delete(importRows)
    .where(
      and(
        eq(importRows.uploadId, chunk.params.uploadId),
        notInArray(importRows.line, chunk.tx.select({ line: jobErrors.line }).from(jobErrors).where(and(eq(jobErrors.jobId, chunk.jobId), isNotNull(jobErrors.line)))),
      ),
    );

const rejectRow = (chunk: JobChunk<Params, number>, line: number, errors: RowError[]) =>
  chunk.reject({ line }, errors.map(({ field, code, detail }) => ({ ...(field ? { field } : {}), code, detail })));

/** Insert mode: the chunk's rows in one batch, or one by one if the batch fails (so only the culprit row is refused). */
async function insertChunk(chunk: JobChunk<Params, number>, rows: ValidRow[]) {
  if (rows.length === 0) return;
  const batched = await chunk.items(async (tx) => (await insertBatch(tx, chunk.principal, rows, chunk.params)).map(toRefusedItem), rows.length);
  if (!batched) await applyEach(chunk, rows);
}

const applyEach = async (chunk: JobChunk<Params, number>, rows: ValidRow[]) => {
  for (const row of rows) await chunk.item({ line: row.line }, (tx) => applyRow(tx, chunk.principal, chunk.params.mode, row, chunk.params));
};

const toRefusedItem = ({ line, field, code, detail }: RowError): RefusedItem => ({ ref: { line }, errors: [{ ...(field ? { field } : {}), code, detail }] });

/** A dry run's chunk: what the rows would do, each counted as succeeded (applying nothing) or failed. */
async function checkOnly(chunk: JobChunk<Params, number>, rows: ValidRow[]) {
  const outcome = await dryRunBatch({ db: chunk.tx, principal: chunk.principal, mode: chunk.params.mode }, rows);
  const failed = new Map<number, RowError[]>();
  for (const error of outcome.errors) failed.set(error.line, [...(failed.get(error.line) ?? []), error]);
  for (const row of rows) {
    const errors = failed.get(row.line);
    if (errors) await rejectRow(chunk, row.line, errors);
    else await chunk.item({ line: row.line }, async () => {});
  }
}
