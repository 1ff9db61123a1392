import 'server-only';
import type { BetterAuthPlugin } from 'better-auth';
import { createAuthMiddleware, isAPIError, type APIError } from 'better-auth/api';
import { recordSecurityEvent, type SecurityEvent } from '@/core/accounts/security-events';
import type { Door } from '@/core/principal';
import type { Database } from '@/db/client';
import { requestClientIp } from '@/http/request-client-ip';
import { userPrincipal, type SessionFacts } from './principal';
import { challengedUserId } from './two-factor-challenge';
import type { AuthMiddlewareContext } from './two-factor-codes';

// The audit trail of what Better Auth does (sign-ins, their failures, password and second-factor changes, revoked
// sessions), recorded through the core's event log like every change. Never a password, code or token.

/** What the audit needs of a Better Auth call: its endpoint, and the request (over HTTP) or its headers (in-process). */
interface AuthCall {
  path?: string;
  request?: Request;
  headers?: Headers;
}

/** How a user signs in, by endpoint: `data.method` of sign-in events. */
const signInMethods: Record<string, string> = {
  '/sign-in/email': 'password',
  '/sign-in/passkey': 'passkey',
  '/two-factor/verify-totp': 'totp',
  '/two-factor/verify-backup-code': 'backup-code',
  '/callback/:id': 'oidc',
};

/** The secret an endpoint checks, as events name it: a sign-in method, else the user's own password. */
export const methodOf = (path: string) => signInMethods[path] ?? 'password';

/**
 * The door of a Better Auth call: in-process (a Server Action, no Request) the console's; over HTTP the API's, but for
 * the OAuth callback, a browser coming back to the console's single sign-on.
 */
const doorOf = (call: AuthCall): Door => (call.request && call.path !== '/callback/:id' ? 'api' : 'console');

/** Records `event` for this call, with its door and client IP. */
export function auditCall(db: Database, call: AuthCall, event: Omit<SecurityEvent, 'door' | 'clientIp'>): Promise<void> {
  return recordSecurityEvent(db, { ...event, door: doorOf(call), clientIp: requestClientIp(call.request ?? call.headers) });
}

/** A refusal's reason code: Better Auth's (or an OAuth) error code in kebab-case, with plainer words for the common two. */
function reasonOf(code: string | undefined): string {
  if (code === 'INVALID_EMAIL_OR_PASSWORD') return 'invalid-credentials';
  if (code === 'ACCOUNT_SUSPENDED') return 'suspended';
  return code ? code.toLowerCase().replaceAll('_', '-') : 'refused';
}

/** The error code an OAuth callback redirected with (`?error=`), or undefined when it went on normally. */
function callbackError(returned: unknown): string | undefined {
  const location = isAPIError(returned) ? new Headers(returned.headers).get('location') : null;
  return (location && new URL(location, 'http://roster.invalid').searchParams.get('error')) || undefined;
}

/**
 * After each audited endpoint: what happened, as an event. Runs after the two-factor plugin's own hook (it is listed
 * after it), so a password sign-in that still needs its second factor has no session yet and is not a sign-in.
 */
async function auditEndpoint(db: Database, ctx: AuthMiddlewareContext): Promise<void> {
  const { returned, newSession, session } = ctx.context;
  const refusal = isAPIError(returned) ? (returned as APIError) : null;
  const method = signInMethods[ctx.path];
  const audit = (event: Omit<SecurityEvent, 'door' | 'clientIp'>) => auditCall(db, ctx, event);

  if (ctx.path === '/sign-in/email') {
    if (newSession) return audit({ type: 'user.signed-in', account: { userId: newSession.user.id }, byAccountUser: true, data: { method } });
    const email = (ctx.body as { email?: unknown } | undefined)?.email;
    if (refusal && typeof email === 'string') {
      return audit({ type: 'user.sign-in-failed', account: { email }, byAccountUser: false, data: { method, reason: reasonOf(refusal.body?.code), email } });
    }
    return; // the password was right; the second factor comes next
  }
  if (ctx.path === '/sign-in/passkey') {
    if (newSession) return audit({ type: 'user.signed-in', account: { userId: newSession.user.id }, byAccountUser: true, data: { method } });
    // A passkey that did not verify (unknown, forged, cloned, no user verification), or a suspended user's: about no
    // account. Bodies sent with no live challenge checked nothing and are not logged (anyone could fill the log).
    if (refusal?.body?.code === 'INVALID_PASSKEY' || refusal?.body?.code === 'ACCOUNT_SUSPENDED') return audit({ type: 'user.sign-in-failed', account: null, byAccountUser: false, data: { method, reason: reasonOf(refusal.body?.code) } });
    return;
  }
  if (ctx.path === '/callback/:id') {
    if (newSession) return audit({ type: 'user.signed-in', account: { userId: newSession.user.id }, byAccountUser: true, data: { method } });
    const error = callbackError(returned);
    if (error) return audit({ type: 'user.sign-in-failed', account: null, byAccountUser: false, data: { method, reason: reasonOf(error) } });
    return;
  }
  if (method) {
    // A second-factor code: with a session it is the user confirming enrolment; without, the second step of a sign-in.
    if (session) {
      if (newSession) return audit({ type: 'user.two-factor-enabled', account: { userId: session.user.id }, byAccountUser: true });
      return;
    }
    if (newSession) return audit({ type: 'user.signed-in', account: { userId: newSession.user.id }, byAccountUser: true, data: { method } });
    // Only a pending sign-in's code counts as a failed sign-in: a code sent with no challenge (not rate-limited, as
    // it checks nothing) would let anyone fill the log.
    const userId = refusal ? await challengedUserId(ctx) : null;
    if (userId) return audit({ type: 'user.sign-in-failed', account: { userId }, byAccountUser: false, data: { method, reason: reasonOf(refusal?.body?.code) } });
    return;
  }
  if (refusal || !session) return;
  if (ctx.path === '/change-password') {
    const otherSessionsEnded = (ctx.body as { revokeOtherSessions?: unknown } | undefined)?.revokeOtherSessions === true;
    return audit({ type: 'user.password-changed', account: { userId: session.user.id }, byAccountUser: true, data: { otherSessionsEnded } });
  }
  if (ctx.path === '/two-factor/disable') return audit({ type: 'user.two-factor-disabled', account: { userId: session.user.id }, byAccountUser: true });
}

const auditedPaths = new Set([...Object.keys(signInMethods), '/change-password', '/two-factor/disable']);

/** Better Auth plugin: the after-hook that audits sign-ins and account-security changes. List it after twoFactor(). */
export function auditTrail(db: Database) {
  return {
    id: 'roster-audit-trail',
    hooks: { after: [{ matcher: (ctx) => auditedPaths.has(ctx.path ?? ''), handler: createAuthMiddleware((ctx) => auditEndpoint(db, ctx)) }] },
  } satisfies BetterAuthPlugin;
}

/** Endpoints with which a user ends sessions on purpose (not sign-out, nor the session swaps of other endpoints). */
const revokePaths = new Set(['/revoke-session', '/revoke-other-sessions', '/revoke-sessions']);

/**
 * Better Auth database hook (session delete, after): each session a user revokes is a `session.revoked` event, about
 * the session's user, by whoever revoked it (their own session, on the Account page or over the API).
 */
export function auditRevokedSession(db: Database) {
  return async (revoked: { id: string; userId: string }, call: (AuthCall & { context?: { session?: { user: { id: string; role?: unknown; status?: unknown }; session: SessionFacts } | null } }) | null) => {
    if (!call?.path || !revokePaths.has(call.path)) return;
    const current = call.context?.session;
    const byAccountUser = current?.user.id === revoked.userId;
    // Revoked from an impersonation session: the admin did it, acting as the user (data.actor, as core events say).
    const acting = byAccountUser ? userPrincipal(current.user, doorOf(call), current.session) : null;
    await auditCall(db, call, {
      type: 'session.revoked',
      account: { userId: revoked.userId },
      byAccountUser,
      data: { sessionId: revoked.id },
      ...(acting?.kind === 'user' && acting.impersonation ? { impersonation: acting.impersonation } : {}),
    });
  };
}
