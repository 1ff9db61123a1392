import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { users } from '@/db/schema';
import { recordEvent } from '../events';
import type { EventType } from '../events';
import type { Door, ImpersonationActor, Principal } from '../principal';
import { toUserDto } from '../users/dto';

export type SecurityEventType = Extract<
  EventType,
  'user.signed-in' | 'user.sign-in-failed' | 'user.locked-out' | 'user.password-changed' | 'user.two-factor-enabled' | 'user.two-factor-disabled' | 'session.revoked'
>;

export interface SecurityEvent {
  type: SecurityEventType;
  door: Door;
  /** The caller's IP as the per-IP limits see it; null when unknown. */
  clientIp: string | null;
  /** The account it is about: by id, or by the email someone typed (then looked up; none is fine). */
  account: { userId: string } | { email: string } | null;
  /** True when that account's user did it (signed in, changed a setting); false for an anonymous attempt on it. */
  byAccountUser: boolean;
  /** What else to say (a method, a reason code); never a password, code or token. */
  data?: Record<string, unknown>;
  /** When the account's user acted under an impersonation: the event says so (`data.actor`), as every other one does. */
  impersonation?: ImpersonationActor;
}

/**
 * Records a sign-in or account-security event (Better Auth performs these; Roster audits them through the same event
 * log as every change, so streams, webhooks and the audit page see them). The subject is the account when it exists,
 * with its DTO in `data.user`; the actor is its user or anonymous; `data.clientIp` says where from.
 */
export async function recordSecurityEvent(db: Database, event: SecurityEvent): Promise<void> {
  const { account } = event;
  const match = account === null ? null : 'userId' in account ? eq(users.id, account.userId) : sql`lower(${users.email}) = ${account.email.trim().toLowerCase()}`;
  const [user] = match ? await db.select().from(users).where(match).limit(1) : [];
  const actor: Principal =
    user && event.byAccountUser ? { kind: 'user', door: event.door, userId: user.id, role: user.role, impersonation: event.impersonation } : { kind: 'anonymous', door: event.door };
  await recordEvent(db, actor, {
    type: event.type,
    subject: user ? { type: 'user', id: user.id } : null,
    changes: {},
    data: { ...(user ? { user: toUserDto(user) } : {}), ...event.data, clientIp: event.clientIp },
  });
}
