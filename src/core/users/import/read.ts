import 'server-only';
import { parse as parseCsv } from 'csv-parse';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import streamArray from 'stream-json/streamers/stream-array.js';
import { fromCsvRow, IMPORT_LIMITS } from './records';

export const importFormats = ['ndjson', 'csv', 'json'] as const;
export type ImportFormat = (typeof importFormats)[number];

/** One record read from the upload: its line (NDJSON, CSV) or position (JSON array), and its value or why none. */
export type SourceRecord = { line: number; value: unknown } | { line: number; error: { code: string; detail: string } };

/** Longest CSV record or NDJSON line taken (a line past it is a row error, and never a reason to buffer more). */
export const MAX_RECORD_BYTES = 64 * 1024 + IMPORT_LIMITS.metadataJson;

/**
 * The records of an upload, one at a time as the bytes arrive: nothing holds more than one record (and the parser's
 * chunk) in memory, whatever the upload's size. A file that can't be read on (broken CSV quoting, a JSON syntax
 * error) throws, after the records before it.
 */
export function readRecords(body: AsyncIterable<Uint8Array>, format: ImportFormat): AsyncGenerator<SourceRecord> {
  const input = Readable.from(body, { objectMode: false });
  if (format === 'csv') return csvRecords(input);
  if (format === 'json') return jsonRecords(input);
  return ndjsonRecords(input);
}

async function* ndjsonRecords(input: Readable): AsyncGenerator<SourceRecord> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    if (text.length > MAX_RECORD_BYTES) yield { line, error: { code: 'too_long', detail: `A line is at most ${MAX_RECORD_BYTES} characters.` } };
    else yield parseLine(line, text);
  }
}

function parseLine(line: number, text: string): SourceRecord {
  try {
    return { line, value: JSON.parse(text) };
  } catch {
    return { line, error: { code: 'invalid_json', detail: 'This line is not JSON.' } };
  }
}

async function* csvRecords(input: Readable): AsyncGenerator<SourceRecord> {
  const rows = input.pipe(parseCsv({ columns: true, bom: true, trim: true, skip_empty_lines: true, info: true, max_record_size: MAX_RECORD_BYTES }));
  for await (const { record, info } of rows as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    yield { line: info.lines, value: fromCsvRow(record) };
  }
}

async function* jsonRecords(input: Readable): AsyncGenerator<SourceRecord> {
  const elements = input.pipe(streamArray.withParserAsStream());
  for await (const { key, value } of elements as AsyncIterable<{ key: number; value: unknown }>) yield { line: key + 1, value };
}
