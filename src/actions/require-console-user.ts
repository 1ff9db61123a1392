import 'server-only';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { impersonationReturnCookies, impersonationReturnPath } from '@/auth/impersonation';
import { holds, roleAtLeast } from '@/core/authorization';
import type { Principal } from '@/core/principal';
import { roles, type Role } from '@/core/users';
import { signInPath } from '@/lib/next-path';
import { consolePrincipal, mustEnrolTwoFactor } from './context';

export type ConsoleUser = Extract<Principal, { kind: 'user' }>;

/**
 * The signed-in console user, for the top of every console page. Signed out (or suspended): off to
 * `/sign-in?next=<path>` (or first back from an impersonation that expired: src/auth/impersonation.ts). Signed in as a member (an end user of the product): off to `/not-allowed`. An admin or
 * owner who must enrol in two-factor sign-in first (ROSTER_REQUIRE_2FA_FOR): off to their Account page.
 *
 * This gates pages and decides which controls to show; it is not the security boundary. Every read and every
 * action still goes through the core, which checks the same principal.
 */
export async function requireConsoleUser(path?: string): Promise<ConsoleUser> {
  const principal = await consolePrincipal();
  if (principal.kind !== 'user') {
    // An impersonation that ended without Stop (its hard limit): back to the admin's own session, if it still stands.
    const cookieJar = await cookies();
    if (impersonationReturnCookies.some((name) => cookieJar.has(name))) redirect(impersonationReturnPath(path));
    redirect(signInPath(path));
  }
  if (!holds(principal, 'users:read')) redirect('/not-allowed');
  if (path !== '/account' && (await mustEnrolTwoFactor())) redirect('/account?two-factor=required');
  return principal;
}

// What the console offers mirrors the core's rules (authorizeAccountChange): admins manage accounts below admin;
// only owners grant, change or remove admin and owner accounts. The core still decides on every write.

/** The roles this console user may give someone: every role for owners, the ones below admin for admins. */
export function grantableRoles(user: ConsoleUser): readonly Role[] {
  if (!holds(user, 'users:write')) return [];
  return user.role === 'owner' ? roles : roles.filter((role) => !roleAtLeast(role, 'admin'));
}

/** Whether this console user may edit or delete an account that has `targetRole`. */
export function canManageUser(user: ConsoleUser, targetRole: Role): boolean {
  return holds(user, 'users:write') && (user.role === 'owner' || !roleAtLeast(targetRole, 'admin'));
}
