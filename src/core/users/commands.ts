import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import type { Transaction } from '@/db/client';
import { apiKeys, sessions, users, type UserRow } from '@/db/schema';
import { reverifyChangedEmail } from '../accounts/email-verification';
import { toApiKeyEventData } from '../api-keys/dto';
import { diffFields, recordEvent, type EventType } from '../events';
import { authorize, authorizeAccountChange } from '../authorization';
import { disableEndpointsMadeBy, holdsWebhookRight } from '../integrations/creator-lost-access';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../db-errors';
import { Conflict, NotFound } from '../errors';
import type { CoreContext, Principal } from '../principal';
import { removeMembershipsOf } from '../organizations/members';
import { withOwnerInvariant } from '../organizations/owners';
import { refuseWhileImpersonating } from '../impersonation/rules';
import { eraseUserRecords } from '../retention';
import { isUuid, parseInput } from '../validation';
import { checkVersion, type WriteOptions } from '../versions';
import { toUserDto, type UserDto } from './dto';
import { assertAnOwnerRemains } from './owners';
import { createUserInput, updateUserInput, userFields, type CreateUserInput, type UpdateUserInput } from './schemas';

export type { WriteOptions } from '../versions';

export async function createUser(ctx: CoreContext, rawInput: CreateUserInput | unknown): Promise<UserDto> {
  authorize(ctx.principal, 'users:write');
  const input = parseInput(createUserInput, rawInput);
  authorizeAccountChange(ctx.principal, null, input.role);
  return withEmailUniqueness(() =>
    ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        // Staff vouch for the address they type (unlike a self sign-up): an OIDC sign-in with this email may link.
        .values({ id: uuidv7(), ...input, emailVerified: true })
        .returning();
      const user = toUserDto(row!);
      await recordEvent(tx, ctx.principal, {
        type: 'user.created',
        subject: { type: 'user', id: user.id },
        changes: diffFields(undefined, row!, [...userFields, 'plan']),
        data: { user },
      });
      return user;
    }),
  );
}

/** Applies the given fields; a request that changes nothing leaves version and audit untouched. */
export async function updateUser(
  ctx: CoreContext,
  id: string,
  rawInput: UpdateUserInput | unknown,
  options: WriteOptions = {},
): Promise<UserDto> {
  authorize(ctx.principal, 'users:write');
  const input = parseInput(updateUserInput, rawInput);
  if (!isUuid(id)) throw new NotFound('User');
  return withEmailUniqueness(() =>
    ctx.db.transaction(async (tx) => {
      const current = await lockUser(tx, id, options);
      authorizeAccountChange(ctx.principal, current.role, input.role ?? current.role);
      await assertAnOwnerRemains(tx, current, { role: input.role ?? current.role, status: input.status ?? current.status });
      // A new address is unproven, whoever typed it: verified again only by its owner following the link sent to it.
      const emailChanged = input.email !== undefined && input.email !== current.email.toLowerCase();
      const fields = Object.fromEntries(Object.entries(input).filter(([key]) => key !== 'suspensionReason' && key !== 'suspendedUntil')) as UserChanges;
      const changes: UserChanges = { ...fields, ...suspensionTerms(current, input), ...(emailChanged ? { emailVerified: false } : {}) };
      const row = await applyUserChanges(tx, ctx.principal, current, changes, 'user.updated');
      if (emailChanged) await reverifyChangedEmail(tx, current.email, row);
      return toUserDto(row);
    }),
  );
}

/**
 * A suspension's reason and end: set together when a status of suspended comes with either (new terms replace the
 * old), kept when it comes with neither, cleared when the user is made active again.
 */
function suspensionTerms(current: UserRow, input: z.output<typeof updateUserInput>): Pick<UserChanges, 'suspensionReason' | 'suspendedUntil'> {
  if (input.status === 'active') return { suspensionReason: null, suspendedUntil: null };
  if (input.status !== 'suspended') return {};
  if (input.suspensionReason === undefined && input.suspendedUntil === undefined) {
    return current.status === 'suspended' ? {} : { suspensionReason: null, suspendedUntil: null };
  }
  return { suspensionReason: input.suspensionReason ?? null, suspendedUntil: input.suspendedUntil ? new Date(input.suspendedUntil) : null };
}

export async function deleteUser(ctx: CoreContext, id: string, options: WriteOptions = {}): Promise<void> {
  authorize(ctx.principal, 'users:write');
  if (ctx.principal.kind === 'user' && ctx.principal.userId === id) refuseWhileImpersonating(ctx.principal, 'deleting the account');
  if (!isUuid(id)) throw new NotFound('User');
  // The database refuses to delete an organization's last owner; a race past the check below is a 409 too.
  await withOwnerInvariant(() =>
    ctx.db.transaction(async (tx) => {
      const current = await lockUser(tx, id, options);
      authorizeAccountChange(ctx.principal, current.role, null);
      await deleteLockedUser(tx, ctx.principal, current);
    }),
  );
}

/**
 * Deletes a user whose row `tx` holds locked, with everything that goes with them, each with its event: refused
 * (409), naming the organization, when they are an organization's last owner. Shared by deleteUser and SCIM's
 * DELETE /Users/{id}.
 */
export async function deleteLockedUser(tx: Transaction, principal: Principal, current: UserRow): Promise<void> {
  await assertAnOwnerRemains(tx, current, null);
  await removeUser(tx, principal, current);
}

/**
 * Deletes a user already locked in `tx`, with what goes with them (memberships, API keys, webhook endpoints they
 * made, and unless `eraseRecords` is false the records naming them or their address) and the events, by
 * `principal`: no authorization here, the caller decided. Refused, naming the organization, when they are an
 * organization's last owner.
 */
export async function removeUser(tx: Transaction, principal: Principal, current: UserRow, { eraseRecords = true } = {}): Promise<void> {
  await removeMembershipsOf(tx, principal, current);
  // Their API keys go with them: once created_by is set null by the delete, a key would pass for one the CLI
  // made (no creator to be suspended) and keep working.
  const revoked = await tx
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.createdBy, current.id), isNull(apiKeys.revokedAt)))
    .returning();
  for (const key of revoked) {
    await recordEvent(tx, principal, {
      type: 'api-key.revoked',
      subject: { type: 'api-key', id: key.id },
      changes: { revokedAt: { before: null, after: key.revokedAt!.toISOString() } },
      data: { apiKey: toApiKeyEventData(key) },
    });
  }
  await disableEndpointsMadeBy(tx, principal, { userId: current.id });
  if (eraseRecords) await eraseUserRecords(tx, current);
  await tx.delete(users).where(eq(users.id, current.id));
  await recordEvent(tx, principal, {
    type: 'user.deleted',
    subject: { type: 'user', id: current.id },
    changes: diffFields(current, undefined, [...userFields, 'plan']),
    data: { user: toUserDto(current) },
  });
}

type UserChanges = Partial<
  Pick<
    UserRow,
    'email' | 'emailVerified' | 'name' | 'role' | 'status' | 'plan' | 'stripeCustomerId' | 'subscriptionStatus' | 'externalId' | 'metadata' | 'theme' | 'suspensionReason' | 'suspendedUntil'
  >
>;

/**
 * Writes `changes` to a row already locked in `tx`: bumps the version, stamps updated_at and records an event with
 * the fields that really changed (and `reason`, when Roster itself says why), in the same transaction. Changing nothing writes nothing. Suspending a user
 * ends their sessions in the same transaction; suspending or demoting one below webhooks:write disables the webhook
 * endpoints they (or their API keys) made. `organizationId` scopes the event to the organization whose door made the
 * change (SCIM), so that organization's keys, streams and webhooks see it as they see its member events.
 */
export async function applyUserChanges(
  tx: Transaction,
  principal: Principal,
  current: UserRow,
  changes: UserChanges,
  type: Extract<EventType, 'user.updated' | 'user.email-changed' | 'subscription.updated' | 'customer.linked'>,
  { organizationId, reason }: { organizationId?: string; reason?: string } = {},
): Promise<UserRow> {
  const diff = diffFields(comparable(current), comparable({ ...current, ...changes }), Object.keys(changes) as (keyof UserChanges)[]);
  if (Object.keys(diff).length === 0) return current;
  const [row] = await tx
    .update(users)
    .set({ ...changes, version: sql`${users.version} + 1`, updatedAt: new Date() })
    .where(eq(users.id, current.id))
    .returning();
  if (row!.status === 'suspended' && current.status !== 'suspended') {
    await tx.delete(sessions).where(eq(sessions.userId, current.id));
  }
  await recordEvent(tx, principal, { type, subject: { type: 'user', id: current.id }, ...(organizationId ? { organizationId } : {}), changes: diff, data: { user: toUserDto(row!), ...(reason ? { reason } : {}) } });
  if (holdsWebhookRight(current) && !holdsWebhookRight(row!)) await disableEndpointsMadeBy(tx, principal, { userId: current.id });
  return row!;
}

/** A row whose end of suspension compares by value (two Dates of one moment are no change) and records as ISO text. */
const comparable = (row: UserRow) => ({ ...row, suspendedUntil: row.suspendedUntil?.toISOString() ?? null });

export async function lockUser(tx: Transaction, id: string, options: WriteOptions): Promise<UserRow> {
  const [current] = await tx.select().from(users).where(eq(users.id, id)).for('update');
  if (!current) throw new NotFound('User');
  checkVersion('user', current.version, options);
  return current;
}

async function withEmailUniqueness<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) {
      throw new Conflict('A user with this email already exists', 'email');
    }
    throw error;
  }
}
