import 'server-only';
import { APIError, getSessionFromCtx } from 'better-auth/api';
import { TooManyRequests } from '@/core/errors';
import type { Database } from '@/db/client';
import { requestClientIp } from '@/http/request-client-ip';
import { auditCall, methodOf } from './audit';
import { recordFailedAttempt, type AttemptKey } from './brute-force';
import type { AuthMiddlewareContext } from './two-factor-codes';

/** Better Auth endpoints that check the signed-in user's own password (sign-in checks the one typed for an email). */
const ownPasswordPaths = new Set(['/passkey/register-options', '/change-password', '/two-factor/enable', '/two-factor/disable', '/two-factor/generate-backup-codes', '/two-factor/get-totp-uri']);

/**
 * The account and client IP a password check is for, when this request makes one: the email typed to sign in, or
 * the signed-in user's own (then a session is needed at all: without one the endpoint refuses before any check).
 */
export async function passwordAttempt(ctx: AuthMiddlewareContext): Promise<AttemptKey | undefined> {
  const ip = requestClientIp(ctx.request ?? ctx.headers);
  if (ctx.path === '/sign-in/email') {
    const email = (ctx.body as { email?: unknown } | undefined)?.email;
    return typeof email === 'string' ? { account: email, ip } : undefined;
  }
  // Adding a passkey asks for the password only when the session is over a day old.
  if (ctx.path === '/passkey/register-options' && typeof (ctx.body as { password?: unknown } | undefined)?.password !== 'string') return undefined;
  if (!ownPasswordPaths.has(ctx.path)) return undefined;
  const session = await getSessionFromCtx(ctx).catch(() => null);
  return session ? { account: session.user.email, ip } : undefined;
}

/** A limit's refusal as Better Auth's 429, saying when to retry. */
export function tooManyRequests(error: TooManyRequests): APIError {
  return new APIError(
    'TOO_MANY_REQUESTS',
    { message: `${error.message} Try again in ${error.retryAfterSeconds} seconds.`, code: 'RATE_LIMITED' },
    { 'Retry-After': String(error.retryAfterSeconds) },
  );
}

/**
 * Counts one attempt at a secret (a password before it is checked, a wrong second-factor code) against the
 * brute-force defence. Over it: 429 with Retry-After, the secret is not checked, and the block is audited as
 * `user.locked-out`.
 */
export async function countAttempt(db: Database, ctx: AuthMiddlewareContext, attempt: AttemptKey): Promise<void> {
  try {
    await recordFailedAttempt(attempt);
  } catch (error) {
    if (!(error instanceof TooManyRequests)) throw error;
    await auditCall(db, ctx, {
      type: 'user.locked-out',
      account: { email: attempt.account },
      byAccountUser: Boolean(ctx.context.session),
      data: { method: methodOf(ctx.path), email: attempt.account, retryAfterSeconds: error.retryAfterSeconds },
    });
    throw tooManyRequests(error);
  }
}
