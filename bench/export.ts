// The export scenario (PostgreSQL): N users more in the bench database, seeded in one INSERT … generate_series, then
// the same users and columns read side by side, round after round: as CSV through the running server
// (GET /api/v1/users/export?format=csv, streamed to this process) and through PostgreSQL's own
// COPY (SELECT …) TO STDOUT WITH CSV on one connection (pg-copy-streams), the floor no application gets under.
// Each round reads both to the end and counts their rows, the two in turn (which goes first alternates, so a load
// the machine picks up or sheds lands on both alike); the result is the round with the median ratio. The server's
// peak resident memory above idle is read as bench/memory.ts says, the highest of the rounds reported. Where the time goes: the CPU seconds each
// process spent on a read (/proc/<pid>/stat): the database's backends, the server, and this process reading.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { credentials } from './auth';
import type { Failures } from './failures';
import { peakMemoryDuring, type MemoryReading } from './memory';
import type { Server } from './processes';

export interface ExportOptions {
  /** Users seeded for the export, on top of the bench's own. */
  users: number;
  /** Rounds of one COPY and one export each; the median round is the result. */
  rounds: number;
  /** A read past this many seconds is a failure, not a result. */
  hangSeconds: number;
}

/** CPU seconds spent during one read, by process. */
export interface CpuSplit {
  database: number;
  server: number;
  client: number;
}

interface Reading {
  seconds: number;
  rows: number;
  bytes: number;
  rowsPerSecond: number;
  cpu: CpuSplit;
}

interface Round {
  server: Reading;
  copy: Reading;
  /** Server rows/s over COPY rows/s. */
  ratio: number;
  memory: MemoryReading;
}

/** The median round's readings, every round's ratio, and the highest memory of any round. */
export interface ExportResult extends Round {
  rows: number;
  ratios: number[];
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

type Counted = { rows: number; bytes: number };

/** /proc/<pid>/stat counts in USER_HZ, which Linux fixes at 100 a second. */
const ticksPerSecond = 100;

/** CPU seconds a process has used so far (user + system); 0 for one that is gone. */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** Times `read` from its start to its last byte, with the CPU every process involved spent meanwhile. */
async function timedRead(client: pg.Client, serverPid: number, read: () => Promise<Counted>): Promise<Reading> {
  const backends = async () => (await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((row) => row.pid);
  const databaseBefore = new Map((await backends()).map((pid) => [pid, cpuSeconds(pid)]));
  const serverBefore = cpuSeconds(serverPid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const counted = await read();
  const seconds = (performance.now() - started) / 1000;
  const clientSpent = process.cpuUsage(clientBefore);
  const database = (await backends()).reduce((sum, pid) => sum + cpuSeconds(pid) - (databaseBefore.get(pid) ?? 0), 0);
  const cpu = { database, server: cpuSeconds(serverPid) - serverBefore, client: (clientSpent.user + clientSpent.system) / 1e6 };
  return { seconds, ...counted, rowsPerSecond: counted.rows / seconds, cpu };
}

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

function copyFloor(client: pg.Client): Promise<Counted> {
  const stream = client.query(
    copyTo(`COPY (SELECT id, email, name, role, status, plan, subscription_status, version, created_at, updated_at
                  FROM users ORDER BY created_at DESC, id DESC) TO STDOUT WITH (FORMAT csv, HEADER)`),
  );
  return countRows(stream);
}

/**
 * The export read with node:http, the lightest reader of an HTTP body in Node, as pg-copy-streams is of COPY's: a
 * heavier client (fetch's web streams) would spend the same two cores the server and the database need, and so
 * measure the client.
 */
async function serverExport(server: Server, hangSeconds: number): Promise<Counted> {
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const request = http.get(`${server.origin}/api/v1/users/export?format=csv`, {
      // Uncompressed, like COPY's stream: this measures the export, not `next start`'s gzip.
      headers: { ...credentials.api, 'accept-encoding': 'identity' },
      signal: AbortSignal.timeout(hangSeconds * 1000),
    });
    request.once('response', resolve).once('error', reject);
  });
  if (response.statusCode !== 200) throw new Error(`the export answered ${response.statusCode}: ${(await text(response)).slice(0, 500)}`);
  return countRows(response);
}

async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

export async function measureExport(server: Server, databaseUrl: string, options: ExportOptions, failures: Failures, phase: string): Promise<ExportResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await seedExportUsers(client, options.users);
    const rounds: Round[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const copyRead = () => timedRead(client, server.child.pid!, () => copyFloor(client));
      let copy: Reading | undefined;
      if (round % 2 === 0) copy = await copyRead();
      const exported = await peakMemoryDuring(server.child.pid!, () => timedRead(client, server.child.pid!, () => serverExport(server, options.hangSeconds)));
      copy ??= await copyRead();
      if (copy.rows !== rows) failures.add(`${phase}: COPY read ${copy.rows} rows, the table holds ${rows}`);
      if (exported.value.rows !== rows) failures.add(`${phase}: the export sent ${exported.value.rows} rows, the table holds ${rows}`);
      rounds.push({ server: exported.value, copy, ratio: exported.value.rowsPerSecond / copy.rowsPerSecond, memory: exported.memory });
    }
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
    const memory = rounds.reduce((highest, round) => (round.memory.aboveIdleMiB > highest.aboveIdleMiB ? round.memory : highest), median.memory);
    return { rows, ...median, memory, ratios: rounds.map((round) => round.ratio) };
  } finally {
    await client.end();
  }
}
