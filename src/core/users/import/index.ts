import 'server-only';
import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import { importRows } from '@/db/schema';
import { unnestInsert } from '@/db/unnest-insert';
import { authorize } from '../../authorization';
import { toStorableJson } from '../../bounds';
import { createJob } from '../../jobs/commands';
import type { JobSummaryDto } from '../../jobs/dto';
import type { CoreContext } from '../../principal';
import { parseInput } from '../../validation';
import { importJob } from './job';
import { readRecords, type ImportFormat, type SourceRecord } from './read';
import { validateRow } from './validate';

export { importFormats, type ImportFormat } from './read';
export { importRecord, IMPORT_LIMITS } from './records';
export { importJob } from './job';
export { DEFAULT_STAGING_HOURS, sweepStagedImportRows } from './staging';
export { rejectedRowsCsv } from './rejected';

/** Rows staged per INSERT while the upload is read. */
const STAGE_BATCH = 1000;

export const importUsersQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).default('false').meta({ description: '`true`: the job checks every row and reports, writing no user.' }),
  invite: z.enum(['true', 'false']).default('false').meta({ description: '`true`: each user created without a `passwordHash` is emailed a single-use link to set a password (queued with the import, sent by the mailer).' }),
  mode: z.enum(['insert', 'upsert']).default('insert').meta({ description: '`insert` refuses existing users (row errors); `upsert` updates the user with the same externalId, else email.' }),
});

/**
 * Imports users from an upload read as it arrives (NDJSON, CSV or a JSON array): each row is checked and staged
 * (import_rows) while the request reads it, then one `users.import` job applies them in the background, on any
 * instance, resuming after a restart. Staff with users:write only; rows granting admin or owner need an owner.
 * Answers the queued job; its errors list the refused rows by line.
 */
export async function importUsers(
  ctx: CoreContext,
  body: AsyncIterable<Uint8Array>,
  format: ImportFormat,
  rawQuery: Record<string, string | undefined>,
): Promise<JobSummaryDto> {
  authorize(ctx.principal, 'users:write');
  const query = parseInput(importUsersQuery, rawQuery, 'query');
  const uploadId = uuidv7();
  let total = 0;
  let staged: (typeof importRows.$inferInsert)[] = [];
  const stage = async () => {
    if (staged.length) await ctx.db.execute(unnestInsert(importRows, staged));
    staged = [];
  };
  for await (const source of readUntilUnreadable(readRecords(body, format))) {
    total += 1;
    const row = validateRow(ctx.principal, source);
    staged.push(Array.isArray(row) ? { uploadId, line: source.line, record: originalOf(source), errors: row.map(({ field, code, detail }) => ({ ...(field ? { field } : {}), code, detail })) } : { uploadId, line: row.line, record: row.record, errors: null });
    if (staged.length === STAGE_BATCH) await stage();
  }
  await stage();
  return ctx.db.transaction((tx) => createJob(tx, ctx.principal, importJob, { params: { uploadId, mode: query.mode, dryRun: query.dryRun === 'true', invite: query.invite === 'true' }, total }));
}

/**
 * A refused row as it was read (an object), kept for the rejected-rows CSV; null when it wasn't one. What jsonb can't
 * hold (a NUL, an unpaired surrogate: often why the row was refused) is kept as U+FFFD.
 */
function originalOf(source: SourceRecord): Record<string, unknown> | null {
  return 'value' in source && typeof source.value === 'object' && source.value !== null && !Array.isArray(source.value)
    ? (toStorableJson(source.value) as Record<string, unknown>)
    : null;
}

/**
 * The records, until the file can't be read on (broken CSV quoting, a JSON syntax error, over the size limit): that
 * ends the upload with one `unreadable` error after the last line read. The parser's message isn't passed on (it
 * may quote the file).
 */
async function* readUntilUnreadable(records: AsyncGenerator<SourceRecord>): AsyncGenerator<SourceRecord> {
  let line = 0;
  while (true) {
    let next: IteratorResult<SourceRecord>;
    try {
      next = await records.next();
    } catch {
      yield { line: line + 1, error: { code: 'unreadable', detail: 'The file can’t be read past this point (broken CSV quoting or JSON syntax, or over the size limit); the rows before it are imported.' } };
      return;
    }
    if (next.done) return;
    line = next.value.line;
    yield next.value;
  }
}

