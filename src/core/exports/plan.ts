import 'server-only';
import type { SQL } from 'drizzle-orm';
import type { Database } from '@/db/client';
import type { ReadSnapshot } from '@/db/snapshot';
import { recordEvent } from '../events/record';
import { actorOf, type Principal } from '../principal';
import { encodeChunk, exportFilename, type CsvLayout, type ExportFormat } from './format';

/** Rows per keyset chunk: one query each, and what the server holds in memory at a time. */
export const exportChunkSize = 1_000;

/** What an export reads, in keyset order: the next `limit` rows after `after` (null: from the start). */
export interface ExportSource<Row, Dto> {
  readChunk(db: Database, after: Row | null, limit: number): Promise<Row[]>;
  toDto(row: Row): Dto;
  layout: CsvLayout<Dto>;
  /**
   * The whole CSV as one SELECT, for a database that writes CSV itself (PostgreSQL's COPY): one text column per
   * header cell, named and ordered as `layout.header`, each cell as `layout.cells` gives it (formula-escaped, see
   * formulaSafe). Rows parsed into JavaScript and encoded again cost several times what COPY does.
   */
  csvSelect?: () => SQL;
}

/** What is exported, as asked for (the filters validated), by whom and from where: what `export.downloaded` says. */
export interface ExportRequest {
  what: 'users' | 'audit-events' | 'organization-members';
  /** The organization whose data it is, if any: the `export.downloaded` event carries it. */
  organizationId?: string;
  format: ExportFormat;
  filters: Record<string, unknown>;
  principal: Principal;
  /** The client IP the request came from (null when unknown), as the adapter found it. */
  clientIp: string | null;
}

/** An authorized, validated export, ready to be streamed: the format, the download's name, and its reader. */
export interface ExportPlan {
  format: ExportFormat;
  filename: string;
  /** Whose export it is (the principal's actor name): the per-caller cap counts exports by it. */
  caller: string;
  /** Records `export.downloaded` in the event log: call it once, as the download starts. */
  recordDownload(db: Database): Promise<void>;
  /** A reader that yields the file chunk by chunk, read through `snapshot`; call `next` until it returns null. */
  open(snapshot: ReadSnapshot): ExportReader;
}

export interface ExportReader {
  next(): Promise<Uint8Array | null>;
}

export function planExport<Row, Dto>(request: ExportRequest, source: ExportSource<Row, Dto>): ExportPlan {
  const { what, format, filters, principal, clientIp, organizationId } = request;
  return {
    format,
    filename: exportFilename(what, format),
    caller: actorOf(principal),
    recordDownload: (db) =>
      recordEvent(db, principal, { type: 'export.downloaded', subject: null, ...(organizationId ? { organizationId } : {}), changes: {}, data: { what, format, filters, clientIp } }),
    open: (snapshot) => {
      if (format === 'csv' && source.csvSelect && snapshot.copyCsv) return copiedReader(snapshot.copyCsv(source.csvSelect()));
      return chunkedReader(snapshot.db, format, source);
    },
  };
}

function copiedReader(chunks: AsyncIterable<Uint8Array>): ExportReader {
  const iterator = chunks[Symbol.asyncIterator]();
  return {
    async next() {
      const { value, done } = await iterator.next();
      return done ? null : value;
    },
  };
}

function chunkedReader<Row, Dto>(db: Database, format: ExportFormat, source: ExportSource<Row, Dto>): ExportReader {
  const encoder = new TextEncoder();
  let after: Row | null = null;
  let done = false;
  return {
    async next() {
      if (done) return null;
      const first = after === null;
      const rows = await source.readChunk(db, after, exportChunkSize);
      if (rows.length < exportChunkSize) done = true;
      after = rows.at(-1) ?? after;
      const text = encodeChunk(format, source.layout, rows.map(source.toDto), first);
      return text === '' ? null : encoder.encode(text);
    },
  };
}
