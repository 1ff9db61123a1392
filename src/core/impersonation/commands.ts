import 'server-only';
import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Database } from '@/db/client';
import { impersonations, sessions, users } from '@/db/schema';
import { uuid } from '../bounds';
import { recordEvent } from '../events';
import { Forbidden, NotFound } from '../errors';
import type { CoreContext, Principal } from '../principal';
import { parseInput } from '../validation';
import { toImpersonationDto, type ImpersonationDto } from './dto';
import { IMPERSONATION_MS, impersonationRefusal } from './rules';

export const REASON_MIN = 10;
export const REASON_MAX = 500;
export const TICKET_MAX = 100;

export const startImpersonationInput = z.strictObject({
  userId: uuid({ error: 'userId must be a user id (a UUID)' }),
  reason: z.string().trim().min(REASON_MIN, `Give a reason of at least ${REASON_MIN} characters`).max(REASON_MAX, `At most ${REASON_MAX} characters`),
  ticket: z
    .string()
    .trim()
    .max(TICKET_MAX, `At most ${TICKET_MAX} characters`)
    .optional()
    .transform((ticket) => ticket || null),
});

const sweeper: Principal = { kind: 'system', door: 'console', name: 'impersonation-expiry' };

/**
 * Starts an impersonation of `userId` by the acting admin, whose own session (`adminSessionId`) Stop returns to.
 * Checks the rules against the target locked for the check (a concurrent suspension waits), then records
 * `impersonation.started` as the admin. The caller then opens the session that acts as the user.
 */
export async function startImpersonation(ctx: CoreContext, rawInput: unknown, adminSessionId: string, now = new Date()): Promise<ImpersonationDto> {
  const input = parseInput(startImpersonationInput, rawInput);
  const admin = ctx.principal;
  return ctx.db.transaction(async (tx) => {
    const [target] = await tx.select({ id: users.id, role: users.role, status: users.status }).from(users).where(eq(users.id, input.userId)).for('update');
    if (!target) throw new NotFound('User');
    const refusal = impersonationRefusal(admin, target);
    if (refusal) throw new Forbidden(refusal);
    const [row] = await tx
      .insert(impersonations)
      .values({
        id: uuidv7(),
        adminId: (admin as Extract<Principal, { kind: 'user' }>).userId,
        userId: target.id,
        adminSessionId,
        reason: input.reason,
        ticket: input.ticket,
        startedAt: now,
        expiresAt: new Date(now.getTime() + IMPERSONATION_MS),
      })
      .returning();
    const impersonation = toImpersonationDto(row!);
    await recordEvent(tx, admin, { type: 'impersonation.started', subject: { type: 'user', id: target.id }, changes: {}, data: { impersonation } });
    return impersonation;
  });
}

/**
 * Ends an impersonation once (`stopped` by the admin, `expired` at its hard limit): records `impersonation.ended` and
 * deletes the session that acted as the user, in one transaction. Null when it had already ended.
 */
export async function endImpersonation(db: Database, principal: Principal, id: string, endReason: 'stopped' | 'expired', now = new Date()): Promise<ImpersonationDto | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(impersonations)
      .set({ endedAt: now, endReason })
      .where(and(eq(impersonations.id, id), isNull(impersonations.endedAt)))
      .returning();
    if (!row) return null;
    await tx.delete(sessions).where(eq(sessions.impersonationId, id));
    const impersonation = toImpersonationDto(row);
    await recordEvent(tx, principal, { type: 'impersonation.ended', subject: { type: 'user', id: row.userId }, changes: {}, data: { impersonation } });
    return impersonation;
  });
}

/** The sweeper's pass: ends every impersonation past its hard limit, each with its `impersonation.ended` event. */
export async function endExpiredImpersonations(db: Database, now = new Date()): Promise<number> {
  const expired = await db
    .select({ id: impersonations.id })
    .from(impersonations)
    .where(and(isNull(impersonations.endedAt), lte(impersonations.expiresAt, now)));
  let ended = 0;
  for (const { id } of expired) if (await endImpersonation(db, sweeper, id, 'expired', now)) ended++;
  return ended;
}

/** An open impersonation (not ended, within its limit), for the banner and Stop; null otherwise. */
export async function readOpenImpersonation(db: Database, id: string, now = new Date()): Promise<(ImpersonationDto & { userName: string; userEmail: string }) | null> {
  const [row] = await db
    .select({ impersonation: impersonations, userName: users.name, userEmail: users.email })
    .from(impersonations)
    .innerJoin(users, eq(users.id, impersonations.userId))
    .where(and(eq(impersonations.id, id), isNull(impersonations.endedAt), sql`${impersonations.expiresAt} > ${now}`));
  return row ? { ...toImpersonationDto(row.impersonation), userName: row.userName, userEmail: row.userEmail } : null;
}

/** Who ran each impersonation and why, for the user's own sessions list: impersonation id → admin email and reason. */
export async function describeImpersonations(db: Database, ids: string[]): Promise<Map<string, { adminEmail: string; reason: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: impersonations.id, adminEmail: users.email, reason: impersonations.reason })
    .from(impersonations)
    .innerJoin(users, eq(users.id, impersonations.adminId))
    .where(inArray(impersonations.id, ids));
  return new Map(rows.map(({ id, ...rest }) => [id, rest]));
}
