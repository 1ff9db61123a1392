import 'server-only';
import { importJob } from '../users/import/job';
import type { JobKind } from './kind';

/** Every job kind the runner knows, by name. Add a kind here (its module imports from ./kind and ./commands only). */
export const jobKinds: ReadonlyMap<string, JobKind> = new Map(([importJob] as JobKind[]).map((kind) => [kind.name, kind]));
