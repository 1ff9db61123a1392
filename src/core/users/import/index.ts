import 'server-only';
import { z } from 'zod';
import { authorize } from '../../authorization';
import { int32 } from '../../bounds';
import type { CoreContext } from '../../principal';
import { parseInput } from '../../validation';
import { applyBatch } from './apply';
import { readRecords, type ImportFormat, type SourceRecord } from './read';
import { validateRow, type RowError, type ValidRow } from './validate';

export { importFormats, type ImportFormat } from './read';
export { importRecord, IMPORT_LIMITS } from './records';
export type { RowError } from './validate';

/** Rows written per transaction in insert mode: large enough that a row costs a fraction of a round trip. */
const BATCH_SIZE = 500;
/** Row errors kept in a report (the counts go on); a file of 100,000 bad rows must not make a 100,000-entry answer. */
export const MAX_REPORTED_ERRORS = 1000;

export const importUsersQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).default('false').meta({ description: '`true`: validate every row and report, writing nothing.' }),
  mode: z.enum(['insert', 'upsert']).default('insert').meta({ description: '`insert` refuses existing users (row errors); `upsert` updates the user with the same externalId, else email.' }),
});

const count = (description: string) => int32(0).meta({ description });

/** What an import did (or, in a dry run, would do), row by row. */
export const importReport = z.strictObject({
  dryRun: z.boolean(),
  mode: z.enum(['insert', 'upsert']),
  total: count('Rows read.'),
  succeeded: count('Rows created or updated (in a dry run: that would be).'),
  created: count('Users created.'),
  updated: count('Users updated (upsert).'),
  failed: count('Rows refused, each listed in `errors` (up to 1000).'),
  errors: z
    .array(
      z.strictObject({
        line: int32(1).meta({ description: 'The row’s line (CSV, NDJSON) or position from 1 (JSON array).' }),
        field: z.string().max(100).optional(),
        code: z.string().max(50).meta({ description: 'What is wrong: a zod issue code, or duplicate, forbidden, not_found, unknown_format, cost_too_high, unreadable, …' }),
        detail: z.string().max(500),
      }),
    )
    .max(MAX_REPORTED_ERRORS),
  errorsTruncated: z.boolean().meta({ description: 'More rows failed than `errors` lists.' }),
});
export type ImportReport = z.infer<typeof importReport>;

/**
 * Imports users from an upload read as it arrives (NDJSON, CSV or a JSON array), in batches: a bad row is reported
 * with its line and field and doesn't stop the others. Staff with users:write only; a row granting admin or owner
 * needs an owner, as creating one does.
 */
export async function importUsers(
  ctx: CoreContext,
  body: AsyncIterable<Uint8Array>,
  format: ImportFormat,
  rawQuery: Record<string, string | undefined>,
  { jobId }: { jobId?: string } = {},
): Promise<ImportReport> {
  authorize(ctx.principal, 'users:write');
  const query = parseInput(importUsersQuery, rawQuery, 'query');
  const report: ImportReport = { dryRun: query.dryRun === 'true', mode: query.mode, total: 0, succeeded: 0, created: 0, updated: 0, failed: 0, errors: [], errorsTruncated: false };
  const batchContext = { db: ctx.db, principal: ctx.principal, mode: query.mode, dryRun: report.dryRun, jobId };
  const fail = (errors: RowError[]) => {
    const lines = new Set(errors.map((error) => error.line));
    report.failed += lines.size;
    for (const error of errors) {
      if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(error);
      else report.errorsTruncated = true;
    }
  };
  const flush = async (batch: ValidRow[]) => {
    const outcome = await applyBatch(batchContext, batch);
    report.created += outcome.created;
    report.updated += outcome.updated;
    fail(outcome.errors);
  };

  let batch: ValidRow[] = [];
  for await (const source of readUntilUnreadable(readRecords(body, format), fail)) {
    report.total += 1;
    const row = validateRow(ctx.principal, source);
    if (Array.isArray(row)) fail(row);
    else batch.push(row);
    if (batch.length === BATCH_SIZE) {
      await flush(batch);
      batch = [];
    }
  }
  if (batch.length) await flush(batch);
  report.succeeded = report.created + report.updated;
  return report;
}

/**
 * The records, until the file can't be read on (broken CSV quoting, a JSON syntax error): that ends the import with
 * one error after the last line read. The parser's message isn't passed on (it may quote the file).
 */
async function* readUntilUnreadable(records: AsyncGenerator<SourceRecord>, fail: (errors: RowError[]) => void): AsyncGenerator<SourceRecord> {
  let line = 0;
  while (true) {
    let next: IteratorResult<SourceRecord>;
    try {
      next = await records.next();
    } catch {
      fail([{ line: line + 1, code: 'unreadable', detail: 'The file can’t be read past this point (broken CSV quoting or JSON syntax); the rows before it were imported.' }]);
      return;
    }
    if (next.done) return;
    line = next.value.line;
    yield next.value;
  }
}
