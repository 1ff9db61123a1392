import 'server-only';
import { createOTP } from '@better-auth/utils/otp';
import { APIError, type createAuthMiddleware } from 'better-auth/api';
import { symmetricDecrypt } from 'better-auth/crypto';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { twoFactors, users } from '@/db/schema';
import { requestClientIp } from '@/http/request-client-ip';
import { countAttempt } from './attempts';
import { auditCall } from './audit';
import { challengedUserId } from './two-factor-challenge';

/** TOTP as Roster's authenticator apps expect it: 6 digits, 30-second steps, one step of drift either way. */
export const TOTP_PERIOD_SECONDS = 30;
const DRIFT_STEPS = 1;

export type AuthMiddlewareContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

export const secondFactorPaths = new Set(['/two-factor/verify-totp', '/two-factor/verify-backup-code']);

/** A wrong second-factor code counts toward the brute-force defence, as a wrong password does (per IP and account). */
const countFailedCode = (db: Database, ctx: AuthMiddlewareContext, email: string) =>
  countAttempt(db, ctx, { ip: requestClientIp(ctx.request ?? ctx.headers), account: email });

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
      if (!codes.includes(code)) await countFailedCode(db, ctx, row.email);
      return;
    }
    const step = await stepOf(await decrypt(row.secret), code);
    if (step === undefined) return countFailedCode(db, ctx, row.email);
    const claimed = await db
      .update(twoFactors)
      .set({ lastAcceptedStep: step })
      .where(and(eq(twoFactors.userId, userId), or(isNull(twoFactors.lastAcceptedStep), lt(twoFactors.lastAcceptedStep, step))))
      .returning({ id: twoFactors.id });
    if (claimed.length > 0) return;
    await countFailedCode(db, ctx, row.email);
    // Refused here, before Better Auth's endpoint (whose after-hook audits sign-in failures), so audited here.
    if (!ctx.context.session) await auditCall(db, ctx, { type: 'user.sign-in-failed', account: { userId }, byAccountUser: false, data: { method: 'totp', reason: 'replayed-code' } });
    throw new APIError('UNAUTHORIZED', { message: 'Invalid code', code: 'INVALID_CODE' });
  };
}
