import 'server-only';
import { and, lt, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { importRows, jobs } from '@/db/schema';
import { importJob } from './job';

/** How long staged rows are kept (ROSTER_IMPORT_STAGING_HOURS): a dead request's, and a finished job's refused ones. */
export const DEFAULT_STAGING_HOURS = 24;

/**
 * Deletes staged import rows older than `maxAgeMs`: those of a request that died before creating its job (nothing
 * else ever deletes them), and the refused rows a finished job keeps for its rejected-rows CSV. A job still queued
 * or running keeps its rows whatever their age. An upload's age is read from its id (a UUIDv7 starts with its
 * millisecond timestamp, and PostgreSQL orders uuids byte by byte), so the sweep is a range on the primary key.
 * Answers how many rows went. Safe on every instance at once.
 */
export async function sweepStagedImportRows(db: Database, maxAgeMs: number, now = new Date()): Promise<number> {
  const stillRunning = db
    .select({ uploadId: sql`(${jobs.params} ->> 'uploadId')::uuid` })
    .from(jobs)
    .where(sql`${jobs.kind} = ${importJob.name} and ${jobs.status} in ('queued', 'running')`);
  const deleted = await db
    .delete(importRows)
    .where(and(lt(importRows.uploadId, firstUuidv7At(now.getTime() - maxAgeMs)), sql`${importRows.uploadId} not in (${stillRunning})`))
    .returning({ line: importRows.line });
  return deleted.length;
}

/** The smallest UUIDv7 of millisecond `ms`: every upload id made before it sorts below it. */
function firstUuidv7At(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7000-8000-000000000000`;
}
