import 'server-only';
import { holds, roleAtLeast } from '../authorization';
import { Forbidden } from '../errors';
import type { Principal } from '../principal';
import type { Role } from '../users/schemas';

/** The hard limit of an impersonation: never extended by activity. */
export const IMPERSONATION_MINUTES = 60;
export const IMPERSONATION_MS = IMPERSONATION_MINUTES * 60_000;

export interface ImpersonationTarget {
  id: string;
  role: Role;
  status: string;
}

/**
 * Why `principal` may not impersonate `target`, or null when it may. Admins impersonate members and viewers; owners
 * also admins; nobody an owner, themself, a suspended user, or while already impersonating; only signed-in staff.
 */
export function impersonationRefusal(principal: Principal, target: ImpersonationTarget): string | null {
  if (principal.kind !== 'user' || !holds(principal, 'users:write')) return 'Only admins and owners impersonate users.';
  if (principal.impersonation) return 'Stop impersonating first: one impersonation at a time.';
  if (target.id === principal.userId) return 'You cannot impersonate yourself.';
  if (target.role === 'owner') return 'Nobody impersonates an owner.';
  if (roleAtLeast(target.role, 'admin') && principal.role !== 'owner') return 'Only owners impersonate admins.';
  if (target.status !== 'active') return 'A suspended user cannot be impersonated.';
  return null;
}

/**
 * Refuses what an impersonating admin may never do as the user: change their password, email or second factor,
 * create API keys, delete the account. Called by the core's use cases and Better Auth's endpoint hook alike.
 */
export function refuseWhileImpersonating(principal: Principal, what: string): void {
  if (principal.kind === 'user' && principal.impersonation) throw new Forbidden(`Not while impersonating: ${what} is for the user themself.`);
}

/** Who is acting behind the caller, as GET /me shows it: the admin and the impersonation, or null. */
export function impersonatorOf(principal: Principal): { adminId: string; impersonationId: string } | null {
  return principal.kind === 'user' && principal.impersonation
    ? { adminId: principal.impersonation.adminId, impersonationId: principal.impersonation.impersonationId }
    : null;
}
