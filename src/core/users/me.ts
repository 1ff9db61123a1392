import 'server-only';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '@/db/schema';
import { Forbidden, NotFound, Unauthenticated } from '../errors';
import type { CoreContext, Principal } from '../principal';
import { parseInput } from '../validation';
import { applyUserChanges, lockUser, type WriteOptions } from './commands';
import { toUserDto, type UserDto } from './dto';
import { updateMeInput, type UpdateMeInput } from './schemas';

/** The signed-in user's own id. /me has no id in its path, so one user can never reach another's record through it. */
function selfOf(principal: Principal): string {
  if (principal.kind === 'user') return principal.userId;
  if (principal.kind === 'anonymous') throw new Unauthenticated('Sign in or send a bearer token to do this.');
  throw new Forbidden('/me belongs to signed-in users; API keys and system tools act for no user.');
}

export async function getMe(ctx: CoreContext): Promise<UserDto> {
  const [row] = await ctx.db.select().from(users).where(eq(users.id, selfOf(ctx.principal)));
  if (!row) throw new NotFound('User');
  return toUserDto(row);
}

export async function updateMe(ctx: CoreContext, rawInput: UpdateMeInput | unknown, options: WriteOptions = {}): Promise<UserDto> {
  const userId = selfOf(ctx.principal);
  const input = parseInput(updateMeInput, rawInput);
  return ctx.db.transaction(async (tx) => {
    const current = await lockUser(tx, userId, options);
    return toUserDto(await applyUserChanges(tx, ctx.principal, current, input, 'user.updated'));
  });
}

/** The console's colour theme: `system` follows the device (prefers-color-scheme); stored as null. */
export const themeChoices = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof themeChoices)[number];
const themeInput = z.enum(themeChoices, { error: `Theme must be one of: ${themeChoices.join(', ')}` });

/** Remembers the signed-in user's theme on their record, so it follows them to any browser; a user.updated event. */
export async function setMyTheme(ctx: CoreContext, rawTheme: unknown): Promise<ThemeChoice> {
  const userId = selfOf(ctx.principal);
  const theme = parseInput(z.object({ theme: themeInput }), { theme: rawTheme }).theme;
  await ctx.db.transaction(async (tx) => {
    const current = await lockUser(tx, userId, {});
    await applyUserChanges(tx, ctx.principal, current, { theme: theme === 'system' ? null : theme }, 'user.updated');
  });
  return theme;
}
