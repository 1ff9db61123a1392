import 'server-only';
import { createOTP } from '@better-auth/utils/otp';
import { APIError, createAuthMiddleware, getSessionFromCtx } from 'better-auth/api';
import { symmetricDecrypt } from 'better-auth/crypto';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { twoFactors, users } from '@/db/schema';
import { requestClientIp } from '@/http/request-client-ip';
import { TooManyRequests } from '@/core/errors';
import { recordFailedAttempt } from './brute-force';

/** TOTP as Roster's authenticator apps expect it: 6 digits, 30-second steps, one step of drift either way. */
export const TOTP_PERIOD_SECONDS = 30;
const DRIFT_STEPS = 1;

export type AuthMiddlewareContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

export const secondFactorPaths = new Set(['/two-factor/verify-totp', '/two-factor/verify-backup-code']);

/** Whose second factor a verify request is about: the signed-in user (enrolment) or the pending sign-in's. */
async function challengedUserId(ctx: AuthMiddlewareContext): Promise<string | null> {
  const session = await getSessionFromCtx(ctx).catch(() => null);
  if (session) return session.user.id;
  const cookie = ctx.context.createAuthCookie('two_factor');
  const identifier = await ctx.getSignedCookie(cookie.name, ctx.context.secret);
  if (!identifier) return null;
  const challenge = await ctx.context.internalAdapter.findVerificationValue(identifier);
  return challenge?.value ?? null;
}

/**
 * The one place a failed second-factor code counts toward the brute-force defence (the same budget as sign-in
 * attempts, per IP and per account). Over it, the answer is 429 and the code is not even checked.
 */
async function countFailedCode(ctx: AuthMiddlewareContext, email: string): Promise<void> {
  const ip = requestClientIp(ctx.request ?? ctx.headers);
  try {
    await recordFailedAttempt({ ip, account: email });
  } catch (error) {
    if (!(error instanceof TooManyRequests)) throw error;
    throw new APIError('TOO_MANY_REQUESTS', { message: `${error.message} Try again in ${error.retryAfterSeconds} seconds.`, code: 'RATE_LIMITED' }, { 'Retry-After': String(error.retryAfterSeconds) });
  }
}

/** The TOTP time step `code` belongs to, within the drift allowed around now, or undefined for a wrong code. */
async function stepOf(secret: string, code: string): Promise<number | undefined> {
  const otp = createOTP(secret, { period: TOTP_PERIOD_SECONDS });
  const now = Math.floor(Date.now() / (TOTP_PERIOD_SECONDS * 1000));
  let step: number | undefined;
  for (let candidate = now - DRIFT_STEPS; candidate <= now + DRIFT_STEPS; candidate++) {
    if ((await otp.hotp(candidate)) === code) step = candidate;
  }
  return step;
}

/**
 * Runs before Better Auth checks a second-factor code (it stays the one that verifies and signs in):
 * - a wrong TOTP or recovery code counts as a failed attempt (countFailedCode);
 * - a right TOTP code claims its time step for the user, atomically. Better Auth alone accepts a code as often as
 *   it is shown; Roster accepts each step once, so a replayed code (or an older step) fails like a wrong one.
 */
export function screenSecondFactorCode(db: Database) {
  return async (ctx: AuthMiddlewareContext): Promise<void> => {
    const code = (ctx.body as { code?: unknown } | undefined)?.code;
    const userId = typeof code === 'string' ? await challengedUserId(ctx) : null;
    if (typeof code !== 'string' || !userId) return; // Better Auth refuses the request itself.
    const [row] = await db
      .select({ email: users.email, secret: twoFactors.secret, backupCodes: twoFactors.backupCodes })
      .from(twoFactors)
      .innerJoin(users, eq(users.id, twoFactors.userId))
      .where(eq(twoFactors.userId, userId));
    if (!row) return;
    const decrypt = (data: string) => symmetricDecrypt({ key: ctx.context.secretConfig, data });

    if (ctx.path === '/two-factor/verify-backup-code') {
      const codes = JSON.parse(await decrypt(row.backupCodes)) as string[];
      if (!codes.includes(code)) await countFailedCode(ctx, row.email);
      return;
    }
    const step = await stepOf(await decrypt(row.secret), code);
    if (step === undefined) return countFailedCode(ctx, row.email);
    const claimed = await db
      .update(twoFactors)
      .set({ lastAcceptedStep: step })
      .where(and(eq(twoFactors.userId, userId), or(isNull(twoFactors.lastAcceptedStep), lt(twoFactors.lastAcceptedStep, step))))
      .returning({ id: twoFactors.id });
    if (claimed.length > 0) return;
    await countFailedCode(ctx, row.email);
    throw new APIError('UNAUTHORIZED', { message: 'Invalid code', code: 'INVALID_CODE' });
  };
}
