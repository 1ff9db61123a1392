// The import section of latest.md: the server's rows/s against COPY's, and its memory, with the issue's targets.
import { fixed } from './format';
import type { ImportResult } from './import';

/** Issue 30's import targets: at least a quarter of COPY's rows/s, under 150 MB of server memory growth. */
export const importTargets = { ratio: 0.25, aboveIdleMB: 150 };

const rate = (reading: { rowsPerSecond: number }) => `${Math.round(reading.rowsPerSecond).toLocaleString('en-US')} rows/s`;

export function importTable(measured: ImportResult, smoke: boolean): string[] {
  const { server: s, copy: c, memory: m } = measured;
  const met = (ok: boolean) => (smoke ? 'not judged (smoke)' : ok ? 'met' : '**not met**');
  const ratio = measured.ratio === undefined ? 'no COPY floor on PGlite' : `${measured.ratio.toFixed(2)}× (${met(measured.ratio >= importTargets.ratio)})`;
  return [
    '### Import of users with bcrypt hashes',
    '',
    `*${measured.rows.toLocaleString('en-US')} users as NDJSON (${fixed(measured.bytes / 2 ** 20)} MiB), each with a bcrypt hash: ` +
      '`POST /api/v1/users/import` until `GET /api/v1/jobs/{id}` says it succeeded, against COPY of the same rows into users, accounts and audit_events.*',
    '',
    `| server | COPY | server ÷ COPY (target ≥ ${importTargets.ratio}×) | server time | COPY time | server memory idle → peak | above idle (target < ${importTargets.aboveIdleMB} MB) |`,
    '|---|---|---|---|---|---|---|',
    `| ${rate(s)} | ${c ? rate(c) : '–'} | ${ratio} | ${fixed(s.seconds)} s | ${c ? `${fixed(c.seconds)} s` : '–'} | ` +
      `${fixed(m.idleMiB)} → ${fixed(m.peakMiB)} MiB | ${fixed(m.aboveIdleMiB * 1.048576)} MB (${met(m.aboveIdleMiB * 1.048576 < importTargets.aboveIdleMB)}) |`,
    '',
    'The server is timed from the POST to the poll (every 250 ms) that sees the job succeeded: the upload read and staged, then every row checked again ' +
      'and applied (user, credential account with the hash, `user.created` event), 500 rows to a multi-row INSERT per table. COPY writes the same rows ' +
      '(fresh emails; events with the same payload shape) through `COPY … FROM STDIN` (pg-copy-streams) on one connection in one transaction, timed from ' +
      'its first COPY to its COMMIT. The hashes: one real bcrypt hash (cost 10) with a different salt per row, as imports store hashes without ' +
      `verifying them. Memory: the server process's ${m.how === 'VmHWM' ? 'VmHWM (reset through /proc/<pid>/clear_refs just before the POST)' : 'VmRSS, sampled every 20 ms'} above its VmRSS at rest before it.`,
    '',
  ];
}
