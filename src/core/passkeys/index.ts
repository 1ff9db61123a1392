import 'server-only';
import { and, asc, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Database } from '@/db/client';
import { passkeys, users } from '@/db/schema';
import { authorize, authorizeAccountChange } from '../authorization';
import { Conflict, Forbidden, NotFound } from '../errors';
import { recordEvent } from '../events';
import type { CoreContext, Principal } from '../principal';
import { toUserDto } from '../users/dto';
import { parseInput, isUuid } from '../validation';

// Passkeys (WebAuthn credentials): the rows and their events. The ceremonies themselves (challenges, signatures)
// are SimpleWebAuthn's, run by the auth adapter (src/auth/passkeys.ts), which hands this module what it verified.

/** What staff, the user and every event see of a passkey: never the public key or the credential id. */
export interface PasskeyDto {
  id: string;
  userId: string;
  name: string;
  /** `singleDevice` (bound to one authenticator) or `multiDevice` (synced, e.g. iCloud Keychain, Google Password Manager). */
  deviceType: string;
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

type PasskeyRow = typeof passkeys.$inferSelect;

const toPasskeyDto = (row: PasskeyRow): PasskeyDto => ({
  id: row.id,
  userId: row.userId,
  name: row.name,
  deviceType: row.deviceType,
  backedUp: row.backedUp,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

export const passkeyNameSchema = z.string().trim().min(1, 'Give the passkey a name').max(64, 'Use at most 64 characters');
const renameInput = z.object({ name: passkeyNameSchema }).strict();

/** What a verified registration gives: the credential as SimpleWebAuthn returned it. */
export interface NewPasskey {
  name: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  deviceType: string;
  backedUp: boolean;
  transports: string[];
  aaguid: string | null;
}

const ownUserId = (principal: Principal) => (principal.kind === 'user' ? principal.userId : null);

/** A user's passkeys, oldest first: their own, or any user's for staff who may read users. */
export async function listPasskeys(ctx: CoreContext, userId: string): Promise<PasskeyDto[]> {
  if (ownUserId(ctx.principal) !== userId) authorize(ctx.principal, 'users:read');
  if (!isUuid(userId)) throw new NotFound('User');
  const rows = await ctx.db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt), asc(passkeys.id));
  return rows.map(toPasskeyDto);
}

/** The signed-in user adds a passkey they have just proven (registration verified). `passkey.added`. */
export async function addPasskey(ctx: CoreContext, input: NewPasskey): Promise<PasskeyDto> {
  const userId = ownUserId(ctx.principal);
  if (!userId) throw new Forbidden('Only a signed-in user can add a passkey, for themselves.');
  const name = parseInput(passkeyNameSchema, input.name);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(passkeys)
      .values({ ...input, name, id: uuidv7(), userId })
      .onConflictDoNothing({ target: passkeys.credentialId })
      .returning();
    if (!row) throw new Conflict('This passkey is already registered.');
    await recordEvent(tx, ctx.principal, {
      type: 'passkey.added',
      subject: { type: 'user', id: userId },
      changes: {},
      data: { passkey: toPasskeyDto(row) },
    });
    return toPasskeyDto(row);
  });
}

/** The user renames one of their own passkeys. `passkey.renamed`. */
export async function renamePasskey(ctx: CoreContext, id: string, input: unknown): Promise<PasskeyDto> {
  const userId = ownUserId(ctx.principal);
  if (!userId) throw new Forbidden('Only its user can rename a passkey.');
  const { name } = parseInput(renameInput, input);
  if (!isUuid(id)) throw new NotFound('Passkey');
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(passkeys).where(and(eq(passkeys.id, id), eq(passkeys.userId, userId))).for('update');
    if (!before) throw new NotFound('Passkey');
    const [row] = await tx.update(passkeys).set({ name }).where(eq(passkeys.id, id)).returning();
    await recordEvent(tx, ctx.principal, {
      type: 'passkey.renamed',
      subject: { type: 'user', id: userId },
      changes: { name: { before: before.name, after: name } },
      data: { passkey: toPasskeyDto(row!) },
    });
    return toPasskeyDto(row!);
  });
}

/**
 * Removes a passkey: its own user, or staff who may change that account (admins only below admin, as for any
 * account change). It signs nobody in from then on. `passkey.removed`.
 */
export async function removePasskey(ctx: CoreContext, id: string): Promise<{ userId: string }> {
  if (!isUuid(id)) {
    if (ownUserId(ctx.principal) === null) authorize(ctx.principal, 'users:read');
    throw new NotFound('Passkey');
  }
  return ctx.db.transaction(async (tx) => {
    const [found] = await tx
      .select({ passkey: passkeys, user: users })
      .from(passkeys)
      .innerJoin(users, eq(users.id, passkeys.userId))
      .where(eq(passkeys.id, id))
      .for('update', { of: passkeys });
    const own = found && ownUserId(ctx.principal) === found.passkey.userId;
    if (!own) {
      authorize(ctx.principal, 'users:read'); // who may not see users learns nothing about a passkey id
      if (!found) throw new NotFound('Passkey');
      authorize(ctx.principal, 'users:write');
      authorizeAccountChange(ctx.principal, found.user.role, found.user.role);
    }
    await tx.delete(passkeys).where(eq(passkeys.id, id));
    await recordEvent(tx, ctx.principal, {
      type: 'passkey.removed',
      subject: { type: 'user', id: found!.passkey.userId },
      changes: {},
      data: { passkey: toPasskeyDto(found!.passkey), user: toUserDto(found!.user) },
    });
    return { userId: found!.passkey.userId };
  });
}

/** What a sign-in needs to check an assertion: the credential, by the id the authenticator sent. */
export async function findCredential(db: Database, credentialId: string) {
  const [row] = await db
    .select({ id: passkeys.id, userId: passkeys.userId, publicKey: passkeys.publicKey, counter: passkeys.counter, transports: passkeys.transports })
    .from(passkeys)
    .where(eq(passkeys.credentialId, credentialId));
  return row ?? null;
}

/** The credential ids a user already has, so an authenticator is not registered twice. */
export async function credentialIdsOf(db: Database, userId: string) {
  return db.select({ credentialId: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, userId));
}

/**
 * Records a verified sign-in with a passkey: its new counter and when. The counter moves only forward (a concurrent
 * sign-in with a clone that reported the same counter loses here); synced passkeys report 0 and stay at 0.
 * False when the passkey was removed or another sign-in moved its counter past this one meanwhile.
 */
export async function recordPasskeyUse(db: Database, id: string, seenCounter: number, newCounter: number): Promise<boolean> {
  const updated = await db
    .update(passkeys)
    .set({ counter: newCounter, lastUsedAt: new Date() })
    .where(and(eq(passkeys.id, id), newCounter === 0 ? sql`true` : eq(passkeys.counter, seenCounter)))
    .returning({ id: passkeys.id });
  return updated.length === 1;
}
