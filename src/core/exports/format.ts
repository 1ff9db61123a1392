import 'server-only';
import { stringify } from 'csv-stringify/sync';
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';

export const exportFormats = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const exportFormat = z.enum(exportFormats, { error: `Format must be one of: ${exportFormats.join(', ')}` });

export const exportMediaTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** `roster-users-2026-12-01.csv`: what the download is saved as. */
export function exportFilename(what: string, format: ExportFormat, now = new Date()): string {
  return `roster-${what}-${now.toISOString().slice(0, 10)}.${format}`;
}

/** How one record becomes CSV: the header row, and the cells of a record in the same order. */
export interface CsvLayout<Dto> {
  header: readonly string[];
  cells(dto: Dto): (string | number | null)[];
}

/**
 * Encodes one chunk of records. CSV (UTF-8, `\n` between rows, cells quoted when they hold a quote, comma or line
 * break) goes through csv-stringify with formula escaping: a cell starting with =, +, -, @, tab or CR gets a
 * leading `'`, so a spreadsheet shows it as text instead of running it (OWASP CSV injection). NDJSON is one DTO a line.
 */
export function encodeChunk<Dto>(format: ExportFormat, layout: CsvLayout<Dto>, dtos: readonly Dto[], withHeader: boolean): string {
  if (format === 'ndjson') return dtos.map((dto) => `${JSON.stringify(dto)}\n`).join('');
  const rows = dtos.map((dto) => layout.cells(dto));
  if (withHeader) rows.unshift([...layout.header]);
  return rows.length === 0 ? '' : stringify(rows, { escape_formulas: true });
}

// What csv-stringify's escape_formulas neutralises: a cell's first character among these (the last four are the
// fullwidth forms some spreadsheets also read as formulas).
const formulaStarts = ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'];

/** encodeChunk's formula escaping, in SQL: for a text cell the database writes into the CSV itself. */
export function formulaSafe(text: AnyColumn | SQL): SQL<string | null> {
  const starts = sql.join(formulaStarts.map((start) => sql`${start}`), sql`, `);
  return sql<string | null>`CASE WHEN left(${text}, 1) IN (${starts}) THEN '''' || ${text} ELSE ${text} END`;
}

/** A timestamp as the DTOs write it (`Date.toISOString()`: UTC, milliseconds), formatted by the database. */
export function isoTimestamp(column: AnyColumn): SQL<string> {
  return sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
