import 'server-only';
import { headers } from 'next/headers';
import { cache } from 'react';
import { getAuth } from '@/auth';
import { userPrincipal } from '@/auth/principal';
import { mustEnrolFirst, refuseUntilEnrolled } from '@/auth/two-factor-enrolment';
import { actorOf, type CoreContext, type Principal } from '@/core/principal';
import { getDatabase } from '@/db';
import { consumeQuota } from '@/rate-limit/quota';

/** The console's signed-in session (Better Auth, from the request's cookie), read once per request. */
export const consoleSession = cache(async () => (await getAuth()).api.getSession({ headers: await headers() }));

export type ConsoleSession = Awaited<ReturnType<typeof consoleSession>>;

/** The console principal a session stands for: its user while active, else anonymous. */
export const principalOf = (session: ConsoleSession): Principal => (session && userPrincipal(session.user, 'console', session.session)) ?? { kind: 'anonymous', door: 'console' };

/** Who is using the console: the session's user, re-read from the database, or anonymous. */
export const consolePrincipal = cache(async (): Promise<Principal> => principalOf(await consoleSession()));

/** Whether a session was signed in with two factors: TOTP enrolled, or this session came from a verified passkey. */
const hasSecondFactor = (session: ConsoleSession): boolean => Boolean(session?.user.twoFactorEnabled || session?.session.passkeyVerified);

/** Whether ROSTER_REQUIRE_2FA_FOR holds this console user back until they enrol (on their Account page). */
export const mustEnrolTwoFactor = cache(async (): Promise<boolean> => {
  const session = await consoleSession();
  return mustEnrolFirst(principalOf(session), hasSecondFactor(session));
});

/**
 * The core context for a console read or action. Actions are public endpoints: the core checks this principal.
 * An admin or owner who must enrol in two-factor sign-in first gets nothing done here but their own Account page.
 */
export async function consoleContext(): Promise<CoreContext> {
  return contextOf(await consoleSession());
}

async function contextOf(session: ConsoleSession): Promise<CoreContext> {
  const { db } = await getDatabase();
  const principal = principalOf(session);
  refuseUntilEnrolled(principal, hasSecondFactor(session));
  return { db, principal };
}

/**
 * Spends one request of the signed-in user's Server Action budget (ROSTER_ACTION_RATE_LIMIT); past it, throws
 * TooManyRequests, which the action's error mapper shows as a form error. Signed-out callers are refused anyway.
 */
export async function spendActionBudget(session: ConsoleSession): Promise<void> {
  const principal = principalOf(session);
  if (principal.kind === 'user') await consumeQuota('actions', actorOf(principal));
}

/**
 * The core context for a Server Action: the console's, once the caller's action budget allows it. It reads the
 * session once and derives everything from it: React's `cache` memoizes only while a page renders, so in an
 * action's body each call of consoleSession() is another Better Auth lookup.
 */
export async function actionContext(): Promise<CoreContext> {
  const session = await consoleSession();
  await spendActionBudget(session);
  return contextOf(session);
}
