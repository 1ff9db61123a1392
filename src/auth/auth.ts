import 'server-only';
import { betterAuth, type BetterAuthOptions } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError, createAuthMiddleware, isAPIError } from 'better-auth/api';
import { nextCookies } from 'better-auth/next-js';
import { bearer, genericOAuth, jwt, twoFactor } from 'better-auth/plugins';
import { eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { assertSignUpAllowed, sendEmailVerification } from '@/core/accounts';
import { membershipsAllowSignIn } from '@/core/organizations';
import { logger } from '@/lib/logger';
import { mailRequestFrom } from '@/rate-limit/mail-limits';
import { diffFields, recordEvent } from '@/core/events';
import { toUserDto } from '@/core/users/dto';
import { passwordLength } from '@/core/users/schemas';
import type { Database, DatabaseConfig } from '@/db/client';
import { accounts, jwks, sessions, twoFactors, users, verifications } from '@/db/schema';
import { requestClientIp } from '@/http/request-client-ip';
import { libraryLog } from '@/lib/logger';
import { baseUrl, oidcConfig, signUpPolicy } from './config';
import { SignUpClosed, TooManyRequests } from '@/core/errors';
import { countAttempt, passwordAttempt, tooManyRequests } from './attempts';
import { noteSessionActivity } from './activity';
import { auditRevokedSession, auditTrail } from './audit';
import { forgiveAttempt } from './brute-force';
import { impersonation, keepImpersonationLimit, refuseImpersonatedChanges } from './impersonation';
import { impersonatorClaims } from './jwt';
import { passkeys } from './passkeys';
import { passwordHashing } from './password';
import { limitAuthRequest } from './request-limit';
import { authSecret } from './secret';
import { screenSecondFactorCode, secondFactorPaths, TOTP_PERIOD_SECONDS, type AuthMiddlewareContext } from './two-factor-codes';

export const JWT_LIFETIME = '15m';

// Sign-in, sign-up, token and callback endpoints: what a password-guesser or token farmer would hammer. Every
// endpoint that checks a password also goes through the brute-force defence (src/auth/attempts.ts).
const rateLimitedPaths = ['/sign-in/', '/sign-up/', '/token', '/callback/', '/change-password', '/passkey/'];

// Better Auth endpoints that would change a user behind the core's back (no version bump, no audit, no
// last-owner check), or that mail tokens it keeps in clear. Users change their own name and email through
// /api/v1/me and the console; password resets and email verification are the core's (src/core/accounts), with
// hashed single-use tokens sent through the outbox. Two-factor codes by email aren't offered: TOTP only.
const disabledPaths = [
  '/update-user',
  '/change-email',
  '/delete-user',
  '/delete-user/callback',
  '/request-password-reset',
  '/reset-password',
  '/send-verification-email',
  '/verify-email',
  '/two-factor/send-otp',
  '/two-factor/verify-otp',
  // Says whether a password is the signed-in user's, and nothing else: an oracle nothing in Roster needs.
  '/verify-password',
];

export function createAuth(db: Database, config: DatabaseConfig) {
  const url = baseUrl();
  const oidc = oidcConfig();
  return betterAuth({
    appName: 'Roster',
    // Its errors through our logger: a failed query's message carries its parameters (a session token, say).
    logger: { log: libraryLog('better-auth') },
    // An unexpected error (a database outage) is thrown to the route, whose mapper answers 503 or a logged 500,
    // instead of a bare 500 and a console dump of the failed query, parameters and all. APIErrors answer as before.
    onAPIError: { throw: true },
    baseURL: url,
    basePath: '/api/auth',
    secret: authSecret(config),
    database: drizzleAdapter(db, { provider: 'pg', schema: { users, sessions, accounts, verifications, jwks, twoFactors } }),
    user: {
      modelName: 'users',
      // Read into every session, never accepted from sign-up input: roles and suspension belong to the core.
      additionalFields: {
        role: { type: 'string', input: false, defaultValue: 'member' },
        status: { type: 'string', input: false, defaultValue: 'active' },
        // The console's theme (null: the system's), so the layout renders it with the session it already reads.
        theme: { type: 'string', input: false, required: false },
      },
    },
    session: {
      modelName: 'sessions',
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
      // Set only by a passkey sign-in with user verification (src/auth/passkeys.ts): that session has two factors.
      additionalFields: {
        passkeyVerified: { type: 'boolean', input: false, defaultValue: false },
        // Set only by Roster's impersonation endpoint (src/auth/impersonation.ts): this session acts as the user for an admin.
        impersonationId: { type: 'string', input: false, required: false },
        impersonatedBy: { type: 'string', input: false, required: false },
      },
    },
    account: { modelName: 'accounts', accountLinking: { enabled: true } },
    verification: { modelName: 'verifications' },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: passwordLength.min,
      maxPasswordLength: passwordLength.max,
      password: passwordHashing(db),
    },
    // Better Auth's own limiter answers without Retry-After and only counts HTTP calls; ours covers both.
    rateLimit: { enabled: false },
    disabledPaths,
    advanced: {
      cookiePrefix: 'roster',
      useSecureCookies: url.startsWith('https:'),
      // Better Auth turns its Origin/CSRF checks off under test runners; Roster keeps them on everywhere, so the
      // tests exercise what production runs.
      disableOriginCheck: false,
      // A session read (every console request) fetches the session and its user in one query, not two.
      database: { generateId: () => uuidv7(), joins: true },
    },
    databaseHooks: {
      // Sign-in (a new session) and refresh (updateAge, at most daily) mark the user active (the overview, the users
      // list's last-active column); an impersonation's session refresh keeps its hard limit.
      session: {
        create: { before: refuseSuspendedUsers(db), after: (session) => noteSessionActivity(db, session) },
        update: { before: keepImpersonationLimit, after: (session) => noteSessionActivity(db, session) },
        delete: { after: auditRevokedSession(db) },
      },
      user: { create: { before: refuseClosedSignUp, after: onSignUp(db) } },
    },
    hooks: { before: beforeAuthEndpoint(db), after: forgiveSuccessfulAttempts },
    plugins: [
      bearer(),
      // TOTP secrets and recovery codes are stored encrypted with the auth secret (symmetricEncrypt); ten
      // single-use recovery codes; a wrong code also counts against the per-challenge and per-account lockouts.
      twoFactor({ issuer: 'Roster', totpOptions: { period: TOTP_PERIOD_SECONDS }, schema: { twoFactor: { modelName: 'twoFactors' } } }),
      passkeys(db, url),
      impersonation(db),
      // After twoFactor(): its hook turns a password sign-in that still needs a code into a challenge first.
      auditTrail(db),
      jwt({
        // JWTs come from GET /api/auth/token only. Otherwise every session read (every console request) would fetch,
        // decrypt and import the signing key and mint a JWT nobody asked for.
        disableSettingJwtHeader: true,
        jwt: { issuer: url, audience: url, expirationTime: JWT_LIFETIME, definePayload: ({ user, session }) => ({ email: user.email, ...impersonatorClaims(session) }) },
      }),
      ...(oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: oidc.providerId,
                  name: oidc.name,
                  discoveryUrl: `${oidc.issuer}/.well-known/openid-configuration`,
                  clientId: oidc.clientId,
                  clientSecret: oidc.clientSecret,
                  scopes: ['openid', 'email', 'profile'],
                  pkce: true,
                },
              ],
            }),
          ]
        : []),
      nextCookies(), // last: lets Server Actions that call auth.api set cookies
    ],
  } satisfies BetterAuthOptions);
}

export type Auth = ReturnType<typeof createAuth>;

/** Rate limits for password and token endpoints; replay and brute-force screening for second-factor codes. */
function beforeAuthEndpoint(db: Database) {
  const screenCode = screenSecondFactorCode(db);
  return createAuthMiddleware(async (ctx) => {
    await refuseImpersonatedChanges(ctx);
    if (secondFactorPaths.has(ctx.path)) return screenCode(ctx);
    await limitAttempts(db, ctx);
    // Thrown past Better Auth (not one of its APIErrors): the route's mapper answers it as problem+json, 403.
    if (ctx.path === '/sign-up/email') {
      const email = (ctx.body as { email?: unknown } | undefined)?.email;
      assertSignUpAllowed(signUpPolicy(), typeof email === 'string' ? email : '');
    }
  });
}

/** The per-IP flood limit where it applies, then, for a password check, one attempt counted before the check. */
async function limitAttempts(db: Database, ctx: AuthMiddlewareContext): Promise<void> {
  if (rateLimitedPaths.some((path) => ctx.path.startsWith(path))) {
    try {
      await limitAuthRequest(requestClientIp(ctx.request ?? ctx.headers));
    } catch (error) {
      throw error instanceof TooManyRequests ? tooManyRequests(error) : error;
    }
  }
  const attempt = await passwordAttempt(ctx);
  if (attempt) await countAttempt(db, ctx, attempt);
}

/** Every password attempt was counted as failed before it ran (atomically); the ones that succeeded are forgiven. */
const forgiveSuccessfulAttempts = createAuthMiddleware(async (ctx) => {
  if (isAPIError(ctx.context.returned)) return;
  const attempt = await passwordAttempt(ctx);
  if (attempt) await forgiveAttempt(attempt);
});

function refuseSuspendedUsers(db: Database) {
  return async (session: { userId: string }) => {
    const [user] = await db.select({ status: users.status, role: users.role }).from(users).where(eq(users.id, session.userId));
    if (user?.status !== 'active' || !(await membershipsAllowSignIn(db, session.userId, user.role))) {
      throw new APIError('FORBIDDEN', { message: 'This account is suspended.', code: 'ACCOUNT_SUSPENDED' });
    }
  };
}

/**
 * Every account Better Auth creates is a self sign-up (Roster's own doors — invitations, staff, setup — insert
 * through the core), so ROSTER_SIGN_UP is checked here for all of them: email sign-up (refused earlier, by the
 * before hook, as problem+json) and a first single sign-on, whose callback then sends the browser back to the sign-in
 * page with `?error=SIGN_UP_CLOSED`.
 */
async function refuseClosedSignUp(user: { email: string }): Promise<void> {
  try {
    assertSignUpAllowed(signUpPolicy(), user.email);
  } catch (error) {
    if (error instanceof SignUpClosed) throw new APIError('FORBIDDEN', { message: error.message, code: 'SIGN_UP_CLOSED' });
    throw error;
  }
}

/**
 * Self sign-up (email and password, or a first OAuth sign-in) is an event like any other new user, and an address
 * nobody vouched for yet is sent a verification link, within the send limits: over them the account still stands,
 * unverified, with no link queued (the log says so).
 */
function onSignUp(db: Database) {
  return async ({ id }: { id: string }, context: { request?: Request; headers?: Headers } | null) => {
    const [row] = await db.select().from(users).where(eq(users.id, id));
    if (!row) return;
    await recordEvent(db, { kind: 'user', door: 'api', userId: id, role: 'member' }, {
      type: 'user.signed-up',
      subject: { type: 'user', id },
      changes: diffFields(undefined, row, ['email', 'name', 'role', 'status']),
      data: { user: toUserDto(row) },
    });
    if (row.emailVerified) return;
    try {
      await sendEmailVerification(db, id, mailRequestFrom(context?.request ?? context?.headers));
    } catch (error) {
      if (!(error instanceof TooManyRequests)) throw error;
      logger.warn({ userId: id, limit: error.message }, 'sign-up: send limit reached, so no verification email was queued; the account stays unverified');
    }
  };
}
