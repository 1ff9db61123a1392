import 'server-only';
import { randomUUID } from 'node:crypto';
import { isDatabaseUnavailable } from '@/core/db-errors';
import { Conflict, Forbidden, NotFound, PreconditionFailed, TooManyRequests, Unauthenticated, ValidationFailed } from '@/core/errors';
import { logger } from '@/lib/logger';
import { failure, fieldsSummary, type ActionState } from './action-state';

/** The one mapper from any thrown error to a form's ActionState. Unknown errors never leak their message. */
export function errorToActionState(error: unknown, values: Record<string, string>): ActionState {
  const fail = (message: string, fieldErrors?: Record<string, string>) => failure(message, values, fieldErrors);

  if (error instanceof ValidationFailed) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of error.issues) fieldErrors[String(issue.path[0] ?? 'form')] ??= issue.message;
    return fail(fieldsSummary, fieldErrors);
  }
  if (error instanceof Conflict) return fail(error.message, error.field ? { [error.field]: error.message } : undefined);
  if (error instanceof NotFound) return fail(`${error.resource} no longer exists; it may have been deleted.`);
  if (error instanceof PreconditionFailed) return fail(`${error.message} Reload the page to see the latest version.`);
  if (error instanceof Unauthenticated) return fail('Your session has ended. Sign in again.');
  if (error instanceof Forbidden) return fail(`Not allowed: ${error.message}`);
  if (error instanceof TooManyRequests) return fail(`${error.message} Try again in ${secondsText(error.retryAfterSeconds)}.`);
  if (isDatabaseUnavailable(error)) return fail('The database is unavailable right now. Try again in a moment.');

  const traceId = randomUUID();
  logger.error({ err: error, traceId }, 'unhandled error in server action');
  return fail(`Something went wrong. Reference: ${traceId}`);
}

export const secondsText = (seconds: number) => `${seconds} second${seconds === 1 ? '' : 's'}`;
