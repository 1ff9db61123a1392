import 'server-only';
import { z } from 'zod';
import { jobSummaryDto } from '@/core/jobs/dto';
import { importRecord, importUsersQuery } from '@/core/users/import';
import type { Operation } from './operation';

const record = importRecord.meta({ id: 'ImportRecord', description: 'One user to import.', example: { email: 'ada@example.com', name: 'Ada Lovelace', externalId: 'legacy-42', passwordHash: '$2b$12$…' } });

export const usersImportOperations: Operation[] = [
  {
    method: 'post',
    path: '/api/v1/users/import',
    operationId: 'importUsers',
    summary: 'Import users (NDJSON, CSV or a JSON array)',
    description:
      'Reads the upload as it arrives (never held whole; up to `ROSTER_IMPORT_MAX_BYTES`, 256 MiB by default), stages its rows and answers a ' +
      '`users.import` job (`GET /api/v1/jobs/{id}`), which applies them in the background: a bad row is a job error (line, field, code) and ' +
      'does not stop the others. `passwordHash` keeps the password users had (bcrypt, argon2id/argon2i, scrypt, Firebase scrypt, ' +
      'PBKDF2-SHA256): they sign in with it, after which it is replaced by Roster’s own. Each user created is a `user.created` event with ' +
      '`data.jobId`. `dryRun=true`: the job checks every row and writes no user. `invite=true`: users created without a `passwordHash` are ' +
      'emailed a link to set a password (queued with the import). Admins can’t import admins or owners (row errors).',
    tag: 'Users',
    access: 'any-credential',
    request: {
      query: importUsersQuery,
      body: {
        required: true,
        content: {
          'application/x-ndjson': { schema: z.unknown().meta({ description: 'One ImportRecord (JSON object) a line.' }) },
          'text/csv': { schema: z.unknown().meta({ description: 'A header row naming ImportRecord fields, then one user a row; `metadata` as JSON text.' }) },
          'application/json': { schema: z.array(record).max(10_000_000) },
        },
      },
    },
    success: { status: 202, description: 'The queued import job.', schema: jobSummaryDto, headers: ['Location'] },
    errors: {
      400: 'A bad query parameter.',
      413: 'A declared `Content-Length` over the limit.',
      415: 'A body that is not NDJSON, CSV or JSON.',
    },
  },
];
