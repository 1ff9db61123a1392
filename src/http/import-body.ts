import 'server-only';
import type { ImportFormat } from '@/core/users/import';
import { HttpProblem } from './problem';

/** Largest import upload (ROSTER_IMPORT_MAX_BYTES, default 256 MiB): read as a stream, so the limit is on time, not memory. */
export const importMaxBytes = (env: NodeJS.ProcessEnv = process.env) => Number(env.ROSTER_IMPORT_MAX_BYTES) || 256 * 1024 * 1024;

const formats: Record<string, ImportFormat> = { 'application/x-ndjson': 'ndjson', 'text/csv': 'csv', 'application/json': 'json' };
const accepted = Object.keys(formats).join(', ');

/**
 * An import upload: its format from Content-Type (415 otherwise), its bytes as they arrive. 413 up front for a
 * declared length over the limit; a body that turns out longer is cut there (the import reports the file unreadable
 * from that point on).
 */
export function importBody(request: Request): { format: ImportFormat; body: AsyncIterable<Uint8Array> } {
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  const format = formats[mediaType];
  if (!format) throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', `Send the users as one of: ${accepted}.`, { 'Accept-Post': accepted });
  const limit = importMaxBytes();
  if (Number(request.headers.get('content-length') ?? 0) > limit) {
    throw new HttpProblem(413, 'payload-too-large', 'Content Too Large', `An import must be at most ${limit} bytes.`);
  }
  return { format, body: upTo(request.body as AsyncIterable<Uint8Array> | null, limit) };
}

/** The bytes of `body` until `limit`: past it, throws (the reader reports the file unreadable from there). */
export async function* upTo(body: AsyncIterable<Uint8Array> | null, limit: number): AsyncGenerator<Uint8Array> {
  if (!body) return;
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw new Error('import body over the limit');
    yield chunk;
  }
}
