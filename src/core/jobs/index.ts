export { defineJobKind, type ChunkResult, type ItemError, type ItemRef, type JobChunk, type JobKind } from './kind';
export { createJob, getJob, cancelJob, type NewJob } from './commands';
export { claimJob, releaseJob, runJobChunk, chunkFailed, CHUNK_ATTEMPTS_MAX, type ClaimedJob, type ChunkOutcome } from './run';
export {
  jobDto,
  getJobQuery,
  jobSummaryDto,
  jobErrorDto,
  jobStatuses,
  finishedStatuses,
  toJobSummaryDto,
  ERRORS_PAGE_MAX,
  STORED_ERRORS_MAX,
  type JobDto,
  type JobSummaryDto,
  type JobErrorDto,
  type JobStatus,
} from './dto';
