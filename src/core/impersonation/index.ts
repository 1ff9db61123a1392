export { describeImpersonations, startImpersonation, endImpersonation, endExpiredImpersonations, readOpenImpersonation, startImpersonationInput, REASON_MIN, REASON_MAX, TICKET_MAX } from './commands';
export { IMPERSONATION_MINUTES, IMPERSONATION_MS, impersonationRefusal, impersonatorOf, refuseWhileImpersonating } from './rules';
export type { ImpersonationDto } from './dto';
