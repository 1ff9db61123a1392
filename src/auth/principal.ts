import 'server-only';
import { IMPERSONATION_MS } from '@/core/impersonation';
import type { Door, Principal } from '@/core/principal';
import { roles, type Role } from '@/core/users/schemas';

/** What of a session decides the principal: an impersonation session acts for its user on the admin's behalf. */
export interface SessionFacts {
  impersonationId?: string | null;
  impersonatedBy?: string | null;
  createdAt: Date | string;
}

/**
 * A signed-in user as a principal, re-read from the database on every request; null while suspended, and null for an
 * impersonation session past its hard limit (the sweeper records its end; until then it signs nobody in).
 */
export function userPrincipal(user: { id: string; role?: unknown; status?: unknown }, door: Door, session?: SessionFacts | null): Principal | null {
  if (user.status !== 'active' || !roles.includes(user.role as Role)) return null;
  const principal: Principal = { kind: 'user', door, userId: user.id, role: user.role as Role };
  if (!session?.impersonationId || !session.impersonatedBy) return principal;
  if (Date.now() >= new Date(session.createdAt).getTime() + IMPERSONATION_MS) return null;
  return { ...principal, impersonation: { type: 'impersonation', impersonationId: session.impersonationId, adminId: session.impersonatedBy, userId: user.id } };
}
