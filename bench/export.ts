// The export scenario (PostgreSQL): N users more in the bench database, seeded in one INSERT … generate_series, then
// the same users and columns read twice side by side: as CSV through the running server
// (GET /api/v1/users/export?format=csv, streamed to this process) and through PostgreSQL's own
// COPY (SELECT …) TO STDOUT WITH CSV on one connection (pg-copy-streams), the floor no application gets under.
// Both are read to the end here and their rows counted; the server's peak resident memory above idle is read as
// bench/memory.ts says.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { credentials } from './auth';
import type { Failures } from './failures';
import { peakMemoryDuring, type MemoryReading } from './memory';
import type { Server } from './processes';

export interface ExportOptions {
  /** Users seeded for the export, on top of the bench's own. */
  users: number;
  /** A read past this many seconds is a failure, not a result. */
  hangSeconds: number;
}

interface Reading {
  seconds: number;
  rows: number;
  bytes: number;
  rowsPerSecond: number;
}

export interface ExportResult {
  rows: number;
  server: Reading;
  copy: Reading;
  /** Server rows/s over COPY rows/s. */
  ratio: number;
  memory: MemoryReading;
}

/** Counts rows (lines; the seeded names hold no line breaks) and bytes of a stream, minus the header row. */
async function countRows(chunks: AsyncIterable<Uint8Array>): Promise<{ rows: number; bytes: number }> {
  let lines = 0;
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
  }
  return { rows: lines - 1, bytes };
}

const reading = (started: number, counted: { rows: number; bytes: number }): Reading => {
  const seconds = (performance.now() - started) / 1000;
  return { seconds, ...counted, rowsPerSecond: counted.rows / seconds };
};

async function seedExportUsers(client: pg.Client, count: number): Promise<number> {
  // Older than every bench user, so no other scenario's page ever shows them.
  await client.query(
    `INSERT INTO users (id, email, name, role, created_at, updated_at)
     SELECT gen_random_uuid(), 'export' || i || '@bench.example', 'Export user ' || i, 'member',
            now() - interval '10 years' - i * interval '1 millisecond', now() - interval '10 years'
     FROM generate_series(1, $1::int) AS i`,
    [count],
  );
  await client.query('ANALYZE users');
  const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM users');
  return Number(rows[0]!.count);
}

async function copyFloor(client: pg.Client): Promise<Reading> {
  const started = performance.now();
  const stream = client.query(
    copyTo(`COPY (SELECT id, email, name, role, status, plan, subscription_status, version, created_at, updated_at
                  FROM users ORDER BY created_at DESC, id DESC) TO STDOUT WITH (FORMAT csv, HEADER)`),
  );
  return reading(started, await countRows(stream));
}

async function serverExport(server: Server, hangSeconds: number): Promise<Reading> {
  const started = performance.now();
  const response = await fetch(`${server.origin}/api/v1/users/export?format=csv`, {
    // Uncompressed, like COPY's stream: this measures the export, not `next start`'s gzip.
    headers: { ...credentials.api, 'accept-encoding': 'identity' },
    signal: AbortSignal.timeout(hangSeconds * 1000),
  });
  if (response.status !== 200 || !response.body) throw new Error(`the export answered ${response.status}: ${await response.text()}`);
  return reading(started, await countRows(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)));
}

export async function measureExport(server: Server, databaseUrl: string, options: ExportOptions, failures: Failures, phase: string): Promise<ExportResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await seedExportUsers(client, options.users);
    const copy = await copyFloor(client);

    const { value: exported, memory } = await peakMemoryDuring(server.child.pid!, () => serverExport(server, options.hangSeconds));

    if (copy.rows !== rows) failures.add(`${phase}: COPY read ${copy.rows} rows, the table holds ${rows}`);
    if (exported.rows !== rows) failures.add(`${phase}: the export sent ${exported.rows} rows, the table holds ${rows}`);
    return {
      rows,
      server: exported,
      copy,
      ratio: exported.rowsPerSecond / copy.rowsPerSecond,
      memory,
    };
  } finally {
    await client.end();
  }
}
