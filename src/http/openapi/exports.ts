import 'server-only';
import { z } from 'zod';
import type { Operation } from './operation';

interface ExportSpec {
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  what: string;
  /** The order rows come in: newest first unless said otherwise. */
  order?: string;
  csvColumns: string;
  filename: string;
  access: string;
  query: z.ZodObject;
  params?: z.ZodObject;
  /** What a missing path parameter's resource answers (404), for exports under one. */
  notFound?: string;
}

/** A streamed download: the same description of formats, escaping and snapshot for every export. */
export function exportOperation(spec: ExportSpec): Operation {
  return {
    method: 'get',
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    description:
      `Streams ${spec.what}, ${spec.order ?? 'newest first'}, as one download (\`Content-Disposition: attachment; filename="${spec.filename}-YYYY-MM-DD.<format>"\`). ` +
      `\`format=csv\` (default): UTF-8, a header row (${spec.csvColumns}), and any cell starting with =, +, -, @, tab or CR prefixed with \`'\` ` +
      '(CSV injection). `format=ndjson`: one JSON DTO a line, as the list returns them. On PostgreSQL the whole file reads one consistent ' +
      'snapshot. Each export that starts is recorded as an `export.downloaded` event. A caller runs at most `ROSTER_EXPORTS_PER_CALLER` (2) ' +
      `exports at once (429 with \`Retry-After\` past it). ${spec.access}`,
    tag: spec.tag,
    access: 'any-credential',
    request: { query: spec.query, ...(spec.params ? { params: spec.params } : {}) },
    success: {
      status: 200,
      description: 'The file, streamed.',
      mediaTypes: {
        // A stream has no length to publish, so no string schema: what the file holds is described.
        'text/csv': z.unknown().meta({ description: 'CSV with a header row.' }),
        'application/x-ndjson': z.unknown().meta({ description: 'One JSON object a line.' }),
      },
    },
    errors: {
      400: 'A bad query parameter (one error per parameter), e.g. an unknown `format`.',
      ...(spec.notFound ? { 404: spec.notFound } : {}),
      503: 'The server already runs `ROSTER_EXPORTS_AT_ONCE` (3) exports, or the database is unavailable: retry after `Retry-After` seconds.',
    },
  };
}
