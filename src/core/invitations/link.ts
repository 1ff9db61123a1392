import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { invitations, organizations, users, type InvitationRow } from '@/db/schema';
import { Conflict } from '../errors';
import { hashLinkToken, isWellFormedLinkToken } from '../link-tokens';
import type { OrgRole } from '../organizations/schemas';
import { invitationStatus } from './dto';

/**
 * What the invitation page shows for a link: whether it still works, for whom, into which organization (if any),
 * whether the address already has an account that proved it (its holder then signs in to join instead of creating
 * one), and whether it has one that never did (accepting then replaces that account: clearInvitedAddress).
 */
export type InvitationLink =
  | {
      state: 'pending';
      email: string;
      role: InvitationRow['role'];
      organization: { id: string; name: string; role: OrgRole } | null;
      hasAccount: boolean;
      replacesUnverifiedAccount: boolean;
    }
  | { state: 'accepted' | 'expired' | 'revoked' | 'unknown' };

export async function inspectInvitationLink(db: Database, token: unknown, { now = new Date() }: { now?: Date } = {}): Promise<InvitationLink> {
  if (!isWellFormedLinkToken(token)) return { state: 'unknown' };
  const [found] = await db
    .select({ invitation: invitations, organizationName: organizations.name })
    .from(invitations)
    .leftJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(eq(invitations.tokenHash, hashLinkToken(token)));
  if (!found) return { state: 'unknown' };
  const { invitation: row, organizationName } = found;
  const state = invitationStatus(row, now);
  if (state !== 'pending') return { state };
  const [account] = await db.select({ emailVerified: users.emailVerified }).from(users).where(sql`lower(${users.email}) = lower(${row.email})`);
  const organization = row.organizationId && row.organizationRole && organizationName !== null ? { id: row.organizationId, name: organizationName, role: row.organizationRole } : null;
  return { state, email: row.email, role: row.role, organization, hasAccount: account?.emailVerified === true, replacesUnverifiedAccount: account?.emailVerified === false };
}

/** Why a link can't be used, in words the invitee understands. */
export class InvitationUnusable extends Conflict {
  constructor(readonly state: Exclude<InvitationLink['state'], 'pending'>) {
    super(
      {
        accepted: 'This invitation was already accepted. Sign in instead.',
        expired: 'This invitation has expired. Ask for a new one.',
        revoked: 'This invitation was withdrawn. Ask for a new one.',
        unknown: 'This invitation link is not valid. Check that you copied all of it.',
      }[state],
    );
  }
}
