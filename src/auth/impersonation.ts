import 'server-only';
import type { BetterAuthPlugin, GenericEndpointContext } from 'better-auth';
import { APIError, createAuthEndpoint, createAuthMiddleware, getSessionFromCtx } from 'better-auth/api';
import { deleteSessionCookie, expireCookie, setSessionCookie } from 'better-auth/cookies';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { Unauthenticated } from '@/core/errors';
import { endImpersonation, refuseWhileImpersonating, startImpersonation } from '@/core/impersonation';
import type { Database } from '@/db/client';
import { impersonations, sessions } from '@/db/schema';
import { defaultConsolePath, safeNextPath, signInPath } from '@/lib/next-path';
import { userPrincipal } from './principal';
import type { AuthMiddlewareContext } from './two-factor-codes';

// Impersonation on Better Auth's own session machinery (Roster does not use its admin plugin: roles and the rules are
// the core's). Start opens a second session for the user, marked with the impersonation, that expires at the hard
// limit and is never refreshed (a "don't remember me" session); the admin's session row stays as it was, referenced
// by id from the impersonation. Stop deletes the impersonation session and sets the admin's session cookie again.
// Both are server-only: the console's Server Actions call them (auth.api.*), nothing over HTTP.
//
//   auth.api.startImpersonation({ body: { userId, reason, ticket? }, headers })
//   auth.api.stopImpersonation({ headers })
//
// When the impersonation ends without Stop (its hard limit), the browser still holds the admin's way back: a signed
// cookie naming the impersonation (its id, never a token). The first console page that finds nobody signed in sends
// the browser to GET /api/auth/impersonation/return, which sets the admin's own session cookie again, once the
// database says that impersonation is over.

/** The kept-aside cookie's name (Better Auth adds the `roster.` prefix, and `__Secure-` over HTTPS). */
const RETURN_COOKIE = 'impersonation';
/** Its names as a request carries them, for pages that only check it is there (src/actions/require-console-user.ts). */
export const impersonationReturnCookies = [`roster.${RETURN_COOKIE}`, `__Secure-roster.${RETURN_COOKIE}`];
/** Where a console page sends a browser that holds the kept cookie but no session, to come back to `next`. */
export const impersonationReturnPath = (next: string | undefined) => `/api/auth/impersonation/return?${new URLSearchParams({ next: next ?? defaultConsolePath })}`;

/** Better Auth endpoints that change the password, email or a second factor, or delete the account. */
const refusedWhileImpersonating = new Set([
  '/change-password',
  '/set-password',
  '/change-email',
  '/delete-user',
  '/two-factor/enable',
  '/two-factor/disable',
  '/two-factor/generate-backup-codes',
  '/passkey/register-options',
  '/passkey/register',
]);

/** A before-hook step: refuses those endpoints to an impersonation session (403 problem+json over HTTP). */
export async function refuseImpersonatedChanges(ctx: AuthMiddlewareContext): Promise<void> {
  if (!refusedWhileImpersonating.has(ctx.path)) return;
  const session = await getSessionFromCtx(ctx);
  const principal = session && userPrincipal(session.user, ctx.request ? 'api' : 'console', session.session);
  if (principal) refuseWhileImpersonating(principal, 'changing the password, email or sign-in factors');
}

/**
 * A session-update hook: Better Auth refreshes a session's expiry as it is used (a bearer token carries no "don't
 * remember me" cookie), but an impersonation session keeps its hard limit.
 */
export async function keepImpersonationLimit(data: Partial<{ expiresAt: Date }>, ctx: GenericEndpointContext | null) {
  const current = ctx?.context.session?.session as { impersonationId?: unknown; expiresAt: Date } | undefined;
  if (!current?.impersonationId || !data.expiresAt) return;
  return { data: { ...data, expiresAt: current.expiresAt } };
}

export function impersonation(db: Database) {
  return {
    id: 'roster-impersonation',
    endpoints: {
      startImpersonation: createAuthEndpoint(
        '/impersonation/start',
        { method: 'POST', body: z.record(z.string(), z.unknown()), metadata: { SERVER_ONLY: true } },
        async (ctx) => {
          const admin = await getSessionFromCtx(ctx);
          const principal = admin && userPrincipal(admin.user, 'console', admin.session);
          if (!admin || !principal) throw new Unauthenticated('Sign in to do this.');
          // The core checks the rules and records impersonation.started; then the session that acts as the user.
          const started = await startImpersonation({ db, principal }, ctx.body, admin.session.id);
          const user = await ctx.context.internalAdapter.findUserById(started.userId);
          if (!user) throw new APIError('NOT_FOUND', { message: 'User not found' });
          const session = await ctx.context.internalAdapter.createSession(
            user.id,
            true,
            { impersonationId: started.id, impersonatedBy: started.adminId, expiresAt: new Date(started.expiresAt) },
            true,
          );
          await setSessionCookie(ctx, { session, user }, true);
          const kept = ctx.context.createAuthCookie(RETURN_COOKIE);
          const adminSessionSeconds = Math.max(0, Math.floor((new Date(admin.session.expiresAt).getTime() - Date.now()) / 1000));
          await ctx.setSignedCookie(kept.name, started.id, ctx.context.secret, { ...kept.attributes, maxAge: adminSessionSeconds });
          return ctx.json({ impersonation: started });
        },
      ),
      stopImpersonation: createAuthEndpoint('/impersonation/stop', { method: 'POST', metadata: { SERVER_ONLY: true } }, async (ctx) => {
        const current = await getSessionFromCtx(ctx);
        const principal = current && userPrincipal(current.user, 'console', current.session);
        if (principal?.kind !== 'user' || !principal.impersonation) throw new APIError('BAD_REQUEST', { code: 'NOT_IMPERSONATING', message: 'You are not impersonating anyone.' });
        const ended = await endImpersonation(db, principal, principal.impersonation.impersonationId, 'stopped');
        // Back to the admin's own session, if it still stands (it may have been revoked meanwhile): else signed out.
        const adminSession = ended && (await adminSessionOf(db, ctx, ended.adminId, ended.id));
        if (adminSession) await setSessionCookie(ctx, adminSession, false);
        else deleteSessionCookie(ctx);
        expireCookie(ctx, ctx.context.createAuthCookie(RETURN_COOKIE));
        return ctx.json({ returned: Boolean(adminSession) });
      }),
      returnFromImpersonation: createAuthEndpoint(
        '/impersonation/return',
        { method: 'GET', query: z.object({ next: z.string().max(2_000).optional() }) },
        async (ctx) => {
          const next = safeNextPath(ctx.query?.next) ?? defaultConsolePath;
          const current = await getSessionFromCtx(ctx);
          // Someone is signed in (not an impersonation past its limit): nothing to return from, yet.
          if (current && userPrincipal(current.user, 'console', current.session)) throw ctx.redirect(next);
          const kept = ctx.context.createAuthCookie(RETURN_COOKIE);
          const impersonationId = await ctx.getSignedCookie(kept.name, ctx.context.secret);
          expireCookie(ctx, kept);
          const adminSession = impersonationId ? await adminSessionAfter(db, ctx, impersonationId) : null;
          if (!adminSession) {
            deleteSessionCookie(ctx);
            throw ctx.redirect(signInPath(next));
          }
          await setSessionCookie(ctx, adminSession, false);
          throw ctx.redirect(next);
        },
      ),
    },
    hooks: {
      // Signing out while impersonating leaves no way back to the admin's session in that browser.
      after: [{ matcher: (ctx) => ctx.path === '/sign-out', handler: createAuthMiddleware(async (ctx) => expireCookie(ctx, ctx.context.createAuthCookie(RETURN_COOKIE))) }],
    },
  } satisfies BetterAuthPlugin;
}

/** The admin's own session once this impersonation is over (ended, or past its hard limit); null while it runs. */
async function adminSessionAfter(db: Database, ctx: GenericEndpointContext, impersonationId: string) {
  const [impersonation] = await db.select().from(impersonations).where(eq(impersonations.id, impersonationId));
  if (!impersonation || (!impersonation.endedAt && impersonation.expiresAt.getTime() > Date.now())) return null;
  return adminSessionOf(db, ctx, impersonation.adminId, impersonation.id);
}

/** The admin's own session the impersonation began from, as Better Auth reads it (null when gone or not theirs). */
async function adminSessionOf(db: Database, ctx: GenericEndpointContext, adminId: string, impersonationId: string) {
  const [row] = await db
    .select({ token: sessions.token, userId: sessions.userId })
    .from(sessions)
    .innerJoin(impersonations, eq(impersonations.adminSessionId, sessions.id))
    .where(eq(impersonations.id, impersonationId));
  if (!row || row.userId !== adminId) return null;
  return ctx.context.internalAdapter.findSession(row.token);
}
