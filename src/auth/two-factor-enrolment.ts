import 'server-only';
import { createOTP } from '@better-auth/utils/otp';
import { symmetricDecrypt } from 'better-auth/crypto';
import { eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { Forbidden } from '@/core/errors';
import type { Principal } from '@/core/principal';
import type { Database } from '@/db/client';
import { twoFactors } from '@/db/schema';
import type { Auth } from './auth';
import { TOTP_PERIOD_SECONDS } from './two-factor-codes';

export type TwoFactorState =
  | { status: 'off' }
  /** Enrolment started, waiting for the first code: what the authenticator app needs, rendered server-side. */
  | { status: 'pending'; qrCode: string; manualKey: string }
  | { status: 'on'; recoveryCodesLeft: number };

/**
 * A user's second factor as their Account page shows it. A pending enrolment's secret is decrypted here (only for
 * its own user's page) so the QR code and key survive a reload, a failed code or a form posted without JavaScript.
 */
export async function twoFactorState(auth: Auth, db: Database, user: { id: string; email: string; twoFactorEnabled?: boolean | null }): Promise<TwoFactorState> {
  const [row] = await db.select({ secret: twoFactors.secret, verified: twoFactors.verified }).from(twoFactors).where(eq(twoFactors.userId, user.id));
  if (!row) return { status: 'off' };
  if (row.verified && user.twoFactorEnabled) {
    const { backupCodes } = await auth.api.viewBackupCodes({ body: { userId: user.id } });
    return { status: 'on', recoveryCodesLeft: backupCodes.length };
  }
  const { secretConfig } = await auth.$context;
  const uri = createOTP(await symmetricDecrypt({ key: secretConfig, data: row.secret }), { period: TOTP_PERIOD_SECONDS }).url('Roster', user.email);
  return { status: 'pending', qrCode: await QRCode.toString(uri, { type: 'svg', margin: 1 }), manualKey: new URL(uri).searchParams.get('secret')! };
}

/** ROSTER_REQUIRE_2FA_FOR=admin: admins and owners enrol before they may use the console or the API. */
export function twoFactorRequiredFor(role: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const setting = env.ROSTER_REQUIRE_2FA_FOR?.trim();
  if (!setting) return false;
  if (setting !== 'admin') throw new Error('ROSTER_REQUIRE_2FA_FOR accepts only "admin" (admins and owners must use two-factor sign-in).');
  return role === 'admin' || role === 'owner';
}

/**
 * Whether ROSTER_REQUIRE_2FA_FOR holds this signed-in user back until they enrol. The one rule behind every door a
 * user signs in through: console pages, actions and event stream, and /api/v1 with a session token or a JWT. API
 * keys are not users: never held back.
 */
export function mustEnrolFirst(principal: Principal, twoFactorEnabled: boolean | null | undefined): boolean {
  return principal.kind === 'user' && twoFactorRequiredFor(principal.role) && !twoFactorEnabled;
}

/** Refuses (Forbidden) a user ROSTER_REQUIRE_2FA_FOR holds back; their own Account page is where they enrol. */
export function refuseUntilEnrolled(principal: Principal, twoFactorEnabled: boolean | null | undefined): void {
  if (mustEnrolFirst(principal, twoFactorEnabled)) {
    throw new Forbidden('Set up two-factor sign-in on your Account page (/account) first: it is required for admins and owners.');
  }
}
