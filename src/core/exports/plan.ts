import 'server-only';
import type { SQL } from 'drizzle-orm';
import type { Database } from '@/db/client';
import type { ReadSnapshot } from '@/db/snapshot';
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

/** An authorized, validated export, ready to be streamed: the format, the download's name, and its reader. */
export interface ExportPlan {
  format: ExportFormat;
  filename: string;
  /** A reader that yields the file chunk by chunk, read through `snapshot`; call `next` until it returns null. */
  open(snapshot: ReadSnapshot): ExportReader;
}

export interface ExportReader {
  next(): Promise<Uint8Array | null>;
}

export function planExport<Row, Dto>(what: string, format: ExportFormat, source: ExportSource<Row, Dto>): ExportPlan {
  return {
    format,
    filename: exportFilename(what, format),
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
