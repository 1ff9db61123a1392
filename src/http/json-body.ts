import 'server-only';
import { HttpProblem } from './problem';

export const MAX_BODY_BYTES = 1024 * 1024;

const isJsonMediaType = (contentType: string | null) => {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
};

/** Reads a JSON request body: 415 unless it is JSON, 413 past 1 MB, 400 when it does not parse. */
export async function readJsonBody(request: Request): Promise<unknown> {
  if (!isJsonMediaType(request.headers.get('content-type'))) {
    throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send the body as application/json.', {
      'Accept-Post': 'application/json',
      'Accept-Patch': 'application/json, application/merge-patch+json',
    });
  }
  const text = await readBodyText(request);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.');
  }
}

/**
 * The raw body as text, at most 1 MB: 413 past it, checked while streaming so a lying or absent
 * Content-Length can't get around it.
 */
export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const tooLarge = new HttpProblem(413, 'payload-too-large', 'Content Too Large', `The body must be at most ${limit} bytes.`);
  if (Number(request.headers.get('content-length') ?? 0) > limit) throw tooLarge;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge;
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}
