import 'server-only';
import { and, desc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { sessions } from '@/db/schema';
import { isoDateTime, storedEmail, UNPAGED_LIST_MAX } from '../bounds';
import { recordEvent } from '../events';
import { NotFound } from '../errors';
import { describeImpersonations, REASON_MAX } from '../impersonation';
import type { CoreContext } from '../principal';
import { describeUserAgent } from './device';
import { toUserDto } from './dto';
import { lockManagedUser } from './managed-user';

/** Longest user agent a session shows (browsers send a few hundred characters; the rest is noise). */
const USER_AGENT_MAX = 512;
/** Better Auth's session ids are 32 characters; anything much longer names no session. */
export const SESSION_ID_MAX = 64;

/** A user's session as staff see it: where and when, never its token. */
export const userSessionDto = z.strictObject({
  id: z.string().max(SESSION_ID_MAX),
  /** "Firefox on macOS", from the user agent. */
  device: z.string().max(100),
  userAgent: z.string().max(USER_AGENT_MAX).nullable(),
  ipAddress: z.string().max(64).nullable(),
  createdAt: isoDateTime(),
  lastActiveAt: isoDateTime(),
  expiresAt: isoDateTime(),
  /** Set on a session an admin ran as this user: who, and the reason they gave. */
  impersonatedBy: z.strictObject({ adminEmail: storedEmail(), reason: z.string().max(REASON_MAX) }).nullable(),
});
export type UserSessionDto = z.infer<typeof userSessionDto>;

/** A user's unexpired sessions, most recently active first (at most UNPAGED_LIST_MAX). */
export async function listUserSessions(ctx: CoreContext, userId: string, now = new Date()): Promise<UserSessionDto[]> {
  const rows = await ctx.db.transaction(async (tx) => {
    await lockManagedUser(tx, ctx.principal, userId);
    return tx
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
      .orderBy(desc(sessions.updatedAt), desc(sessions.id))
      .limit(UNPAGED_LIST_MAX);
  });
  const impersonations = await describeImpersonations(ctx.db, rows.flatMap((row) => (row.impersonationId ? [row.impersonationId] : [])));
  return rows.map((row) => ({
    id: row.id,
    device: describeUserAgent(row.userAgent),
    userAgent: row.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
    ipAddress: row.ipAddress || null,
    createdAt: row.createdAt.toISOString(),
    lastActiveAt: row.updatedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    impersonatedBy: (row.impersonationId && impersonations.get(row.impersonationId)) || null,
  }));
}

/** Staff end one of a user's sessions: that device is signed out on its next request. Audited with who did it. */
export async function revokeUserSession(ctx: CoreContext, userId: string, sessionId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const user = await lockManagedUser(tx, ctx.principal, userId);
    const [ended] = await tx
      .delete(sessions)
      .where(and(eq(sessions.id, sessionId.slice(0, SESSION_ID_MAX)), eq(sessions.userId, userId)))
      .returning({ id: sessions.id });
    if (!ended) throw new NotFound('Session');
    await recordEvent(tx, ctx.principal, {
      type: 'session.revoked',
      subject: { type: 'user', id: userId },
      changes: { sessions: { before: 1, after: 0 } },
      data: { sessionId: ended.id, user: toUserDto(user) },
    });
  });
}

/** Staff end every session of a user (as suspending does, without suspending). Audited with how many ended. */
export async function signOutEverywhere(ctx: CoreContext, userId: string): Promise<{ revoked: number }> {
  return ctx.db.transaction(async (tx) => {
    const user = await lockManagedUser(tx, ctx.principal, userId);
    const ended = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
    await recordEvent(tx, ctx.principal, {
      type: 'session.revoked',
      subject: { type: 'user', id: userId },
      changes: { sessions: { before: ended.length, after: 0 } },
      data: { user: toUserDto(user) },
    });
    return { revoked: ended.length };
  });
}
