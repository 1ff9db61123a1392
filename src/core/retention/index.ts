export { daysFromEnv, retentionPolicyFromEnv, type RetentionPolicy } from './policy';
export { purgeExpiredRecords, type PurgeCounts } from './purge';
export { eraseUserRecords } from './erase-user';
