import 'server-only';
import { PreconditionFailed, PreconditionRequired } from './errors';

/**
 * Optimistic concurrency for a write: the version the caller last saw (a mismatch is a PreconditionFailed), and
 * whether it had to name one (`versionRequired`: naming none is a PreconditionRequired). Both carry the current version.
 */
export interface WriteOptions {
  expectedVersion?: number;
  versionRequired?: boolean;
}

/** Checks `options` against the `current` version of the `resource` (`user`, `organization`, ...), locked for the write. */
export function checkVersion(resource: string, current: number, { expectedVersion, versionRequired }: WriteOptions = {}): void {
  if (expectedVersion === undefined) {
    if (versionRequired) throw new PreconditionRequired(resource, current);
    return;
  }
  if (current !== expectedVersion) {
    throw new PreconditionFailed(`This ${resource} was changed by someone else (now at version ${current}, you had ${expectedVersion}).`, current);
  }
}
