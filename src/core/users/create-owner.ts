import 'server-only';
import { hashPassword } from 'better-auth/crypto';
import { and, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { accounts, users } from '@/db/schema';
import { diffFields, recordEvent } from '../events';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../db-errors';
import { Conflict, Forbidden } from '../errors';
import type { CoreContext } from '../principal';
import { parseInput } from '../validation';
import { toUserDto, type UserDto } from './dto';
import { lockOwners } from './owners';
import { createOwnerInput, type CreateOwnerInput } from './schemas';

const setupComplete = () => new Forbidden('Setup is complete: an owner already exists. Sign in instead.');

/**
 * Creates an owner who signs in with email and password. Operators (the CLI, ROSTER_OWNER_EMAIL at start)
 * may do it any time; anyone else only while Roster has no owner yet (the one-time /setup page).
 */
export async function createOwner(ctx: CoreContext, rawInput: CreateOwnerInput | unknown): Promise<UserDto> {
  const operator = ctx.principal.kind === 'system';
  if (!operator && ctx.principal.kind !== 'anonymous') throw new Forbidden('Owners are created by operators or at first setup.');
  const input = parseInput(createOwnerInput, rawInput);
  // An anonymous call once setup is complete costs no password hash: checked here, and again under the lock.
  if (!operator && (await hasOwner(ctx.db))) throw setupComplete();
  // Hashed with Better Auth's own scheme (scrypt), so its sign-in verifies it; before the transaction, as it is slow.
  const passwordHash = await hashPassword(input.password);
  try {
    return await ctx.db.transaction(async (tx) => {
      await lockOwners(tx);
      if (!operator && (await hasOwner(tx))) throw setupComplete();
      const [row] = await tx
        .insert(users)
        .values({ id: uuidv7(), email: input.email, name: input.name, role: 'owner', emailVerified: true })
        .returning();
      await tx.insert(accounts).values({ id: uuidv7(), accountId: row!.id, providerId: 'credential', userId: row!.id, password: passwordHash });
      const owner = toUserDto(row!);
      await recordEvent(tx, ctx.principal, {
        type: 'user.created',
        subject: { type: 'user', id: owner.id },
        changes: diffFields(undefined, row!, ['email', 'name', 'role', 'status']),
        data: { user: owner },
      });
      return owner;
    });
  } catch (error) {
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) throw new Conflict('A user with this email already exists', 'email');
    throw error;
  }
}

export async function hasOwner(db: Pick<CoreContext['db'], 'select'>): Promise<boolean> {
  const [owner] = await db.select({ id: users.id }).from(users).where(and(eq(users.role, 'owner'), eq(users.status, 'active'))).limit(1);
  return owner !== undefined;
}
