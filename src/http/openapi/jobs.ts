import 'server-only';
import { z } from 'zod';
import { getJobQuery, jobDto, jobSummaryDto } from '@/core/jobs';
import { pathId, type Operation } from './operation';

const jobExample = {
  id: '01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d1b',
  kind: 'users.bulk',
  status: 'running',
  total: 250,
  processed: 100,
  succeeded: 99,
  failed: 1,
  errorCount: 1,
  failure: null,
  organizationId: null,
  createdAt: '2026-11-24T09:30:00.000Z',
  startedAt: '2026-11-24T09:30:01.000Z',
  finishedAt: null,
};
export const job = jobDto.meta({
  id: 'Job',
  description: 'A background job (bulk actions, imports): its progress and a page of the items it could not apply.',
  example: { ...jobExample, errors: [{ userId: '01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d1a', code: 'forbidden', detail: 'Only owners can grant, change or remove admin and owner accounts.' }], nextErrorsAfter: null },
});
/** A job as an answer that starts one (202) or cancels one: its progress, without the errors. */
export const jobSummary = jobSummaryDto.meta({ id: 'JobSummary', description: 'A background job’s progress (GET /api/v1/jobs/{id} for its errors).', example: jobExample });
const jobId = z.object({ id: pathId('The job’s id; anything else (or a job you may not see) is a 404.', jobExample.id) });
const base = { tag: 'Jobs', access: 'any-credential' } as const;
const notFound = { 400: 'A malformed percent-encoding in the path.', 404: 'No such job, or one started by someone else (only admins and owners see every job).' };

export const jobsOperations: Operation[] = [
  {
    ...base,
    method: 'get',
    path: '/api/v1/jobs/{id}',
    operationId: 'getJob',
    summary: 'Get a job',
    description:
      'Progress (`total` is null until known) and up to 100 item errors in the order they happened; pass `nextErrorsAfter` back as `errorsAfter` for the next page. A job keeps its first 10,000 errors and counts them all (`errorCount`). Its creator, admins and owners may read it.',
    request: { params: jobId, query: getJobQuery },
    success: { status: 200, description: 'The job.', schema: job },
    errors: { ...notFound, 400: 'A malformed `errorsAfter` or percent-encoding in the path.' },
  },
  {
    ...base,
    method: 'delete',
    path: '/api/v1/jobs/{id}',
    operationId: 'cancelJob',
    summary: 'Cancel a job',
    description:
      'Stops a queued or running job: a chunk in progress commits first, so every item is applied or not, never half; what was applied stays. Canceling a canceled job answers the same again.',
    request: { params: jobId },
    success: { status: 200, description: 'Canceled.', schema: jobSummary },
    errors: { ...notFound, 409: 'The job has already succeeded or failed.' },
  },
];
