import 'server-only';
import busboy from 'busboy';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import type { ImportFormat } from '@/core/users/import';
import { importMaxBytes, upTo } from './import-body';

/** Why an upload form can't be imported: what the console's Import page tells the user. */
export class UploadRefused extends Error {
  constructor(readonly reason: 'missing-file' | 'format' | 'too-large' | 'not-multipart') {
    super(reason);
  }
}

const byExtension: Record<string, ImportFormat> = { csv: 'csv', ndjson: 'ndjson', jsonl: 'ndjson', json: 'json' };
const byMediaType: Record<string, ImportFormat> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson', 'application/json': 'json' };

/** A file's format: its extension, else the type the browser gave it (browsers disagree on types, not on names). */
function formatOf(filename: string, mimeType: string): ImportFormat | undefined {
  return byExtension[filename.split('.').pop()?.toLowerCase() ?? ''] ?? byMediaType[mimeType.toLowerCase()];
}

/**
 * The file of the console's import form (multipart/form-data) as it arrives, never held whole, with the fields that
 * came before it (the form puts its choices first). Up to ROSTER_IMPORT_MAX_BYTES, as the API's upload: a declared
 * length over it is refused up front, a longer file is cut there (the import reports it unreadable from that point).
 */
export function importUpload(request: Request): Promise<{ format: ImportFormat; body: AsyncIterable<Uint8Array>; fields: Record<string, string> }> {
  const limit = importMaxBytes();
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data') || !request.body) return Promise.reject(new UploadRefused('not-multipart'));
  if (Number(request.headers.get('content-length') ?? 0) > limit + 64 * 1024) return Promise.reject(new UploadRefused('too-large'));
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    const parser = busboy({ headers: { 'content-type': contentType }, limits: { files: 1, fields: 10, fieldSize: 1024 } });
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (_name, file, { filename, mimeType }) => {
      const format = formatOf(filename ?? '', mimeType);
      if (!filename || !format) {
        file.resume();
        reject(new UploadRefused(filename ? 'format' : 'missing-file'));
        return;
      }
      resolve({ format, body: upTo(file, limit), fields });
    });
    parser.on('close', () => reject(new UploadRefused('missing-file')));
    parser.on('error', reject);
    Readable.fromWeb(request.body as unknown as NodeWebStream<Uint8Array>).pipe(parser);
  });
}
