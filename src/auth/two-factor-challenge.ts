import 'server-only';
import { getSessionFromCtx } from 'better-auth/api';
import type { AuthMiddlewareContext } from './two-factor-codes';

/** Whose second factor a verify request is about: the signed-in user (enrolment) or the pending sign-in's. */
export async function challengedUserId(ctx: AuthMiddlewareContext): Promise<string | null> {
  const session = await getSessionFromCtx(ctx).catch(() => null);
  if (session) return session.user.id;
  const cookie = ctx.context.createAuthCookie('two_factor');
  const identifier = await ctx.getSignedCookie(cookie.name, ctx.context.secret);
  if (!identifier) return null;
  const challenge = await ctx.context.internalAdapter.findVerificationValue(identifier);
  return challenge?.value ?? null;
}
