import 'server-only';
import { APIError } from 'better-auth/api';
import { failure, fieldsSummary, type ActionState } from './action-state';
import { errorToActionState } from './error-to-state';

/** Seconds from a Retry-After header, if the error carries one. */
function retryAfterSeconds(error: APIError): number | undefined {
  const seconds = Number(new Headers(error.headers).get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}

/**
 * A failed Better Auth sign-in as a form's ActionState. Wrong email and wrong password read the same, so the
 * form never tells which accounts exist. `values` must not hold the password: it is echoed back to the page.
 */
export function signInErrorToActionState(error: unknown, values: Record<string, string>): ActionState {
  if (!(error instanceof APIError)) return errorToActionState(error, values);
  const fail = (message: string, fieldErrors?: Record<string, string>) => failure(message, values, fieldErrors);
  switch (error.statusCode) {
    case 400:
      return error.body?.code === 'INVALID_EMAIL'
        ? fail(fieldsSummary, { email: 'Enter a valid email address' })
        : fail('Invalid email or password.');
    case 401:
      return fail('Invalid email or password.');
    case 403:
      // Suspended (our session hook) or another refusal Better Auth explains itself.
      return fail(error.body?.message ?? 'This account may not sign in.');
    case 429: {
      const seconds = retryAfterSeconds(error);
      return fail(
        seconds
          ? `Too many sign-in attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`
          : (error.body?.message ?? 'Too many sign-in attempts. Try again later.'),
      );
    }
    default:
      return errorToActionState(error, values);
  }
}

/** A refused second-factor code as a form's ActionState. */
export function secondFactorErrorToActionState(error: unknown, values: Record<string, string>): ActionState {
  if (!(error instanceof APIError)) return errorToActionState(error, values);
  const fail = (message: string, fieldErrors?: Record<string, string>) => failure(message, values, fieldErrors);
  switch (error.body?.code) {
    case 'INVALID_CODE':
    case 'INVALID_BACKUP_CODE':
      return fail(fieldsSummary, { code: 'That code is not right. Codes work once; wait for the next one.' });
    case 'INVALID_TWO_FACTOR_COOKIE':
    case 'TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE':
      return fail('This sign-in has expired or had too many wrong codes. Sign in again.');
  }
  if (error.statusCode === 429) {
    const seconds = retryAfterSeconds(error);
    return fail(seconds ? `Too many attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.` : 'Too many attempts. Try again later.');
  }
  if (error.statusCode === 403) return fail(error.body?.message ?? 'This account may not sign in.');
  return errorToActionState(error, values);
}
