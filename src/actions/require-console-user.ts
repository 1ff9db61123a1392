import 'server-only';
import { redirect } from 'next/navigation';
import { holds } from '@/core/authorization';
import type { Principal } from '@/core/principal';
import { signInPath } from '@/lib/next-path';
import { consolePrincipal } from './context';

export type ConsoleUser = Extract<Principal, { kind: 'user' }>;

/**
 * The signed-in console user, for the top of every console page. Signed out (or suspended): off to
 * `/sign-in?next=<path>`. Signed in as a member (an end user of the product): off to `/not-allowed`.
 *
 * This gates pages and decides which controls to show; it is not the security boundary. Every read and every
 * action still goes through the core, which checks the same principal.
 */
export async function requireConsoleUser(path?: string): Promise<ConsoleUser> {
  const principal = await consolePrincipal();
  if (principal.kind !== 'user') redirect(signInPath(path));
  if (!holds(principal, 'users:read')) redirect('/not-allowed');
  return principal;
}
