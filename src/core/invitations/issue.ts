import 'server-only';
import { v7 as uuidv7 } from 'uuid';
import type { Transaction } from '@/db/client';
import { invitations, type InvitationRow } from '@/db/schema';
import { hashLinkToken, newLinkToken } from '../link-tokens';
import type { Principal } from '../principal';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Stores a new invitation, to Roster or into an organization, valid 7 days from `now`, with a fresh link token of
 * which only the hash is kept: the token is returned for the email and nowhere else.
 */
export async function issueInvitation(
  tx: Transaction,
  principal: Principal,
  what: Pick<InvitationRow, 'email' | 'role'> & Partial<Pick<InvitationRow, 'organizationId' | 'organizationRole'>>,
  now: Date,
): Promise<{ row: InvitationRow; token: string }> {
  const token = newLinkToken();
  const [row] = await tx
    .insert(invitations)
    .values({
      id: uuidv7(),
      ...what,
      tokenHash: hashLinkToken(token),
      invitedBy: principal.kind === 'user' ? principal.userId : null,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      createdAt: now,
    })
    .returning();
  return { row: row!, token };
}
