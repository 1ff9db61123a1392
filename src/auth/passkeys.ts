import 'server-only';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { BetterAuthPlugin, GenericEndpointContext } from 'better-auth';
import { APIError, createAuthEndpoint, getSessionFromCtx } from 'better-auth/api';
import { setSessionCookie } from 'better-auth/cookies';
import { generateRandomString } from 'better-auth/crypto';
import { z } from 'zod';
import { addPasskey, credentialIdsOf, findCredential, recordPasskeyUse, type PasskeyDto } from '@/core/passkeys';
import { ValidationFailed, type DomainError } from '@/core/errors';
import type { Database } from '@/db/client';
import { userPrincipal } from './principal';

// Passkeys (WebAuthn) as a Better Auth plugin: SimpleWebAuthn generates the options and verifies every signature;
// this file only decides what is expected. The relying party is ROSTER_BASE_URL (its host is the RP id, its origin
// the only allowed one), never the request's Host. Challenges are rows of `verifications`, so any instance finishes
// a ceremony another began; each is consumed atomically on first use and lives 5 minutes.
//
//   POST /api/auth/passkey/register-options   signed in; { password? } when the session is over a day old
//   POST /api/auth/passkey/register           signed in; { name, response }        → the new passkey
//   POST /api/auth/sign-in/passkey/options    anyone                               → options for navigator.credentials.get
//   POST /api/auth/sign-in/passkey            { response }                         → a session, as /sign-in/email gives

export const PASSKEY_CHALLENGE_SECONDS = 5 * 60;
const challengeCookie = 'passkey_challenge';
// The browser's own timeout for the ceremony: within the challenge's life.
const ceremonyTimeoutMs = 4 * 60 * 1000;

/** The relying party: ROSTER_BASE_URL's host (no port) is the RP id, its origin the one origin a browser may sign from. */
export function relyingParty(baseUrl: string): { id: string; origin: string } {
  const url = new URL(baseUrl);
  return { id: url.hostname, origin: url.origin };
}

/** Whether a session is young enough (Better Auth's `freshAge`, a day) to add a passkey without the password again. */
export const isFreshSession = (createdAt: Date | string, freshAgeSeconds: number) => Date.now() - new Date(createdAt).getTime() < freshAgeSeconds * 1000;

type Ceremony = { type: 'registration'; challenge: string; userId: string } | { type: 'authentication'; challenge: string };

// The browser's responses are checked by SimpleWebAuthn field by field; here only their shape and size.
const credentialResponse = z.looseObject({ id: z.string().min(1).max(1024), rawId: z.string().max(1024), type: z.literal('public-key'), response: z.looseObject({}) });
// The name is the core's to judge (ValidationFailed → VALIDATION_FAILED, which a form shows beside the field).
const registerBody = z.object({ name: z.string().max(1024), response: credentialResponse });
const signInBody = z.object({ response: credentialResponse });
const registerOptionsBody = z.object({ password: z.string().max(1024).optional() }).optional();

const refused = (code: string, message: string, status: 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' = 'BAD_REQUEST') => new APIError(status, { code, message });
const invalidPasskey = () => refused('INVALID_PASSKEY', 'That passkey was not accepted. Try again, or sign in with your password.', 'UNAUTHORIZED');

/** A domain error from the core as Better Auth's APIError (its endpoints answer those; the route maps the rest). */
function asApiError(error: unknown): never {
  if (error instanceof ValidationFailed) throw refused('VALIDATION_FAILED', error.issues[0]?.message ?? error.message);
  const code = (error as DomainError | undefined)?.code;
  if (code === 'conflict') throw refused('PASSKEY_EXISTS', (error as Error).message);
  throw error;
}

export function passkeys(db: Database, baseUrl: string) {
  const rp = relyingParty(baseUrl);

  return {
    id: 'roster-passkeys',
    endpoints: {
      passkeyRegisterOptions: createAuthEndpoint('/passkey/register-options', { method: 'POST', body: registerOptionsBody }, async (ctx) => {
        const session = await getSessionFromCtx(ctx);
        if (!session) throw refused('UNAUTHORIZED', 'Sign in to add a passkey.', 'UNAUTHORIZED');
        // Adding a way into the account takes a fresh sign-in (within `freshAge`, a day) or the password again.
        if (!isFreshSession(session.session.createdAt, ctx.context.sessionConfig.freshAge)) await checkOwnPassword(ctx, session.user.id, ctx.body?.password);
        const existing = await credentialIdsOf(db, session.user.id);
        const options = await generateRegistrationOptions({
          rpName: 'Roster',
          rpID: rp.id,
          userName: session.user.email,
          userDisplayName: session.user.name,
          attestationType: 'none',
          timeout: ceremonyTimeoutMs,
          excludeCredentials: existing.map((row) => ({ id: row.credentialId, transports: row.transports as AuthenticatorTransportFuture[] })),
          // Discoverable (sign-in without typing an email) and verified (a PIN or biometric: the second factor).
          authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        });
        await startCeremony(ctx, { type: 'registration', challenge: options.challenge, userId: session.user.id });
        return ctx.json(options);
      }),

      passkeyRegister: createAuthEndpoint('/passkey/register', { method: 'POST', body: registerBody }, async (ctx) => {
        const session = await getSessionFromCtx(ctx);
        if (!session) throw refused('UNAUTHORIZED', 'Sign in to add a passkey.', 'UNAUTHORIZED');
        const ceremony = await finishCeremony(ctx, 'registration');
        if (ceremony.userId !== session.user.id) throw refused('CHALLENGE_NOT_FOUND', 'Start adding the passkey again.');
        let verified;
        try {
          verified = await verifyRegistrationResponse({
            response: ctx.body.response as unknown as RegistrationResponseJSON,
            expectedChallenge: ceremony.challenge,
            expectedOrigin: rp.origin,
            expectedRPID: rp.id,
            requireUserVerification: true,
          });
        } catch {
          throw refused('INVALID_PASSKEY', 'The passkey could not be verified. Try again.');
        }
        if (!verified.verified || !verified.registrationInfo) throw refused('INVALID_PASSKEY', 'The passkey could not be verified. Try again.');
        const { credential, credentialDeviceType, credentialBackedUp, aaguid } = verified.registrationInfo;
        const principal = userPrincipal(session.user, ctx.request ? 'api' : 'console', session.session);
        if (!principal) throw refused('ACCOUNT_SUSPENDED', 'This account is suspended.', 'FORBIDDEN');
        let passkey: PasskeyDto;
        try {
          passkey = await addPasskey(
            { db, principal },
            {
              name: ctx.body.name,
              credentialId: credential.id,
              publicKey: Buffer.from(credential.publicKey).toString('base64url'),
              counter: credential.counter,
              deviceType: credentialDeviceType,
              backedUp: credentialBackedUp,
              transports: (credential.transports ?? []).slice(0, 8),
              aaguid,
            },
          );
        } catch (error) {
          asApiError(error);
        }
        return ctx.json(passkey);
      }),

      passkeySignInOptions: createAuthEndpoint('/sign-in/passkey/options', { method: 'POST' }, async (ctx) => {
        // No allowCredentials: the authenticator offers the passkeys it holds for this RP id (and autofill lists them).
        const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', timeout: ceremonyTimeoutMs });
        await startCeremony(ctx, { type: 'authentication', challenge: options.challenge });
        return ctx.json(options);
      }),

      passkeySignIn: createAuthEndpoint('/sign-in/passkey', { method: 'POST', body: signInBody }, async (ctx) => {
        const response = ctx.body.response as unknown as AuthenticationResponseJSON;
        const ceremony = await finishCeremony(ctx, 'authentication');
        const credential = await findCredential(db, response.id);
        if (!credential) throw invalidPasskey();
        let verified;
        try {
          verified = await verifyAuthenticationResponse({
            response,
            expectedChallenge: ceremony.challenge,
            expectedOrigin: rp.origin,
            expectedRPID: rp.id,
            credential: {
              id: response.id,
              publicKey: Buffer.from(credential.publicKey, 'base64url'),
              // SimpleWebAuthn refuses a counter that did not grow, unless both are 0 (synced passkeys report 0).
              counter: credential.counter,
              transports: credential.transports as AuthenticatorTransportFuture[],
            },
            requireUserVerification: true,
          });
        } catch {
          throw invalidPasskey();
        }
        if (!verified.verified || !verified.authenticationInfo.userVerified) throw invalidPasskey();
        if (!(await recordPasskeyUse(db, credential.id, credential.counter, verified.authenticationInfo.newCounter))) throw invalidPasskey();
        const user = await ctx.context.internalAdapter.findUserById(credential.userId);
        if (!user) throw invalidPasskey();
        // The session remembers it was a passkey with user verification: two factors (ROSTER_REQUIRE_2FA_FOR).
        const session = await ctx.context.internalAdapter.createSession(user.id, false, { passkeyVerified: true }, true); // true: over the field's default
        await setSessionCookie(ctx, { session, user });
        return ctx.json({ token: session.token, user: { id: user.id, email: user.email, name: user.name } });
      }),
    },
  } satisfies BetterAuthPlugin;
}

/** Keeps the ceremony's challenge in the database for 5 minutes, named by a random id in a signed cookie. */
async function startCeremony(ctx: GenericEndpointContext, ceremony: Ceremony): Promise<void> {
  const id = generateRandomString(32);
  await ctx.context.internalAdapter.createVerificationValue({
    identifier: `passkey-challenge:${id}`,
    value: JSON.stringify(ceremony),
    expiresAt: new Date(Date.now() + PASSKEY_CHALLENGE_SECONDS * 1000),
  });
  const cookie = ctx.context.createAuthCookie(challengeCookie);
  await ctx.setSignedCookie(cookie.name, id, ctx.context.secret, { ...cookie.attributes, maxAge: PASSKEY_CHALLENGE_SECONDS });
}

/** The challenge this browser was given, consumed: a second use (a replayed response), or one past 5 minutes, finds nothing. */
async function finishCeremony<T extends Ceremony['type']>(ctx: GenericEndpointContext, type: T): Promise<Extract<Ceremony, { type: T }>> {
  const cookie = ctx.context.createAuthCookie(challengeCookie);
  const id = await ctx.getSignedCookie(cookie.name, ctx.context.secret);
  const row = id ? await ctx.context.internalAdapter.consumeVerificationValue(`passkey-challenge:${id}`) : null;
  ctx.setCookie(cookie.name, '', { ...cookie.attributes, maxAge: 0 });
  const ceremony = row ? (JSON.parse(row.value) as Ceremony) : null;
  if (ceremony?.type !== type) throw refused('CHALLENGE_NOT_FOUND', 'This passkey request has expired or was already used. Try again.');
  return ceremony as Extract<Ceremony, { type: T }>;
}

/** The signed-in user's own password, when their session is too old to add a passkey on its own. */
async function checkOwnPassword(ctx: GenericEndpointContext, userId: string, password: string | undefined): Promise<void> {
  if (!password) throw refused('SESSION_NOT_FRESH', 'Enter your password to add a passkey.', 'FORBIDDEN');
  const accounts = await ctx.context.internalAdapter.findAccounts(userId);
  const hash = accounts.find((account) => account.providerId === 'credential')?.password;
  if (!hash || !(await ctx.context.password.verify({ hash, password }))) throw refused('INVALID_PASSWORD', 'The password is incorrect.');
}
