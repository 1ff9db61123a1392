import 'server-only';
import type { Database } from '@/db/client';
import { encodeChunk, exportFilename, type CsvLayout, type ExportFormat } from './format';

/** Rows per keyset chunk: one query each, and what the server holds in memory at a time. */
export const exportChunkSize = 1_000;

/** What an export reads, in keyset order: the next `limit` rows after `after` (null: from the start). */
export interface ExportSource<Row, Dto> {
  readChunk(db: Database, after: Row | null, limit: number): Promise<Row[]>;
  toDto(row: Row): Dto;
  layout: CsvLayout<Dto>;
}

/** An authorized, validated export, ready to be streamed: the format, the download's name, and its reader. */
export interface ExportPlan {
  format: ExportFormat;
  filename: string;
  /** A reader that yields the file chunk by chunk; call `next` until it returns null. */
  open(db: Database): ExportReader;
}

export interface ExportReader {
  next(): Promise<string | null>;
}

export function planExport<Row, Dto>(what: string, format: ExportFormat, source: ExportSource<Row, Dto>): ExportPlan {
  return {
    format,
    filename: exportFilename(what, format),
    open: (db) => {
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
          return text === '' ? null : text;
        },
      };
    },
  };
}
