import 'server-only';
import type { Door, Principal } from '@/core/principal';
import { roles, type Role } from '@/core/users/schemas';

/** A signed-in user as a principal, re-read from the database on every request; null while suspended. */
export function userPrincipal(user: { id: string; role?: unknown; status?: unknown }, door: Door): Principal | null {
  if (user.status !== 'active' || !roles.includes(user.role as Role)) return null;
  return { kind: 'user', door, userId: user.id, role: user.role as Role };
}
