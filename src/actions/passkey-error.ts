import 'server-only';
import { APIError } from 'better-auth/api';
import { failure, fieldsSummary, type ActionState } from './action-state';
import { errorToActionState } from './error-to-state';

/** What the passkey endpoints' refusals (src/auth/passkeys.ts) say on a form; anything else through the console's mapper. */
export function passkeyErrorToActionState(error: unknown, values: Record<string, string>): ActionState {
  if (!(error instanceof APIError)) return errorToActionState(error, values);
  const fail = (message: string, fieldErrors?: Record<string, string>) => failure(message, values, fieldErrors);
  switch (error.body?.code) {
    case 'SESSION_NOT_FRESH':
      return fail('You signed in over a day ago: enter your password to add a passkey.', { password: 'Enter your password' });
    case 'INVALID_PASSWORD':
      return fail(fieldsSummary, { password: 'The password is incorrect' });
    case 'VALIDATION_FAILED':
      return fail(fieldsSummary, { name: error.body?.message ?? 'Check the name' });
    case 'INVALID_PASSKEY':
    case 'CHALLENGE_NOT_FOUND':
    case 'PASSKEY_EXISTS':
    case 'ACCOUNT_SUSPENDED':
      return fail(error.body?.message ?? 'The passkey was not accepted.');
    case 'VALIDATION_ERROR':
      return fail('The browser sent no usable passkey response. Try again.');
  }
  if (error.statusCode === 401) return fail(error.body?.message ?? 'Your session has ended. Sign in again.');
  if (error.statusCode === 429) return fail(error.body?.message ?? 'Too many attempts. Try again later.');
  return errorToActionState(error, values);
}

/** A browser's WebAuthn response, posted as JSON in a form field; anything unparseable is no response at all. */
export function parseCredentialResponse(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return null;
  }
}
