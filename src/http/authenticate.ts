import 'server-only';
import { eq } from 'drizzle-orm';
import { getAuth } from '@/auth';
import { isImpersonation, noteActivity } from '@/auth/activity';
import { looksLikeJwt, subjectOfJwt } from '@/auth/jwt';
import { userPrincipal, type SessionFacts } from '@/auth/principal';
import { refuseUntilEnrolled } from '@/auth/two-factor-enrolment';
import { authenticateApiKey, looksLikeApiKey } from '@/core/api-keys';
import { readOpenImpersonation } from '@/core/impersonation';
import { Unauthenticated } from '@/core/errors';
import type { Principal } from '@/core/principal';
import type { Database } from '@/db/client';
import { users } from '@/db/schema';
import { requestClientIp } from './request-client-ip';

/**
 * Who is calling /api/v1, from `Authorization: Bearer <credential>` only: cookies are ignored, so a browser
 * page on another site can never act with a signed-in console user's session. The credential is an API key
 * (`rst_…`), a JWT (Roster's own or a trusted issuer's), or a Better Auth session token.
 */
export async function apiPrincipal(request: Request, db: Database): Promise<Principal> {
  const header = request.headers.get('authorization');
  // Nothing under /api/v1 is public: say so before looking at the request's body.
  if (header === null) throw new Unauthenticated('Send credentials as `Authorization: Bearer <token>`.');
  const token = /^Bearer +(\S+)$/i.exec(header.trim())?.[1];
  if (!token) throw new Unauthenticated('Send credentials as `Authorization: Bearer <token>`.', true);

  const principal = looksLikeApiKey(token) ? await authenticateApiKey(db, token, 'api') : await userFromToken(db, token, requestClientIp(request));
  if (!principal) throw new Unauthenticated('The credentials are invalid, expired or revoked.', true);
  return principal;
}

/** The user a session token or JWT speaks for, once ROSTER_REQUIRE_2FA_FOR lets them through (else Forbidden); their API use counts as activity. */
async function userFromToken(db: Database, token: string, clientIp: string | null): Promise<Principal | null> {
  const user = await tokenUser(db, token, clientIp);
  const principal = user && userPrincipal(user, 'api', user.session);
  if (principal) {
    refuseUntilEnrolled(principal, user.twoFactorEnabled);
    await noteActivity(db, { userId: user.id, impersonated: user.session !== null && isImpersonation(user.session) });
  }
  return principal;
}

async function tokenUser(db: Database, token: string, clientIp: string | null) {
  const auth = await getAuth();
  if (looksLikeJwt(token)) {
    const subject = await subjectOfJwt(db, auth, token, clientIp);
    if (!subject) return null;
    // A JWT minted under an impersonation works only while it is open: Stop or expiry ends its tokens too.
    let session: SessionFacts | null = null;
    if (subject.impersonationId) {
      const open = await readOpenImpersonation(db, subject.impersonationId);
      if (open?.userId !== subject.userId) return null;
      session = { impersonationId: open.id, impersonatedBy: open.adminId, createdAt: open.startedAt };
    }
    const [user] = await db
      .select({ id: users.id, role: users.role, status: users.status, twoFactorEnabled: users.twoFactorEnabled })
      .from(users)
      .where(eq(users.id, subject.userId));
    return user ? { ...user, session } : null;
  }
  const session = await auth.api.getSession({ headers: new Headers({ authorization: `Bearer ${token}` }) });
  // A passkey sign-in with user verification is two factors on its own (ROSTER_REQUIRE_2FA_FOR).
  return session ? { ...session.user, twoFactorEnabled: session.user.twoFactorEnabled || session.session.passkeyVerified, session: session.session } : null;
}
