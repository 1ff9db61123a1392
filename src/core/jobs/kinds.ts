import 'server-only';
import { bulkUsersJob } from '../users/bulk';
import { importJob } from '../users/import/job';
import type { JobKind } from './kind';

/** Every job kind the runner knows, by name. Add a kind here (its module imports from ./kind and ./commands only). */
export const jobKinds: ReadonlyMap<string, JobKind> = new Map(([importJob, bulkUsersJob] as JobKind[]).map((kind) => [kind.name, kind]));
