import 'server-only';
import { eq } from 'drizzle-orm';
import type { Transaction } from '@/db/client';
import { invitations, organizationMembers, users, type InvitationRow, type UserRow } from '@/db/schema';
import { Forbidden, Unauthenticated } from '../errors';
import { recordEvent } from '../events';
import { hashLinkToken, isWellFormedLinkToken } from '../link-tokens';
import { memberEvent, readMember } from '../organizations/members';
import type { CoreContext, Principal } from '../principal';
import { invitationStatus, toInvitationDto } from './dto';
import { isOrganizationInvitation, toOrganizationInvitationDto } from './organization-dto';
import { InvitationUnusable } from './link';

/**
 * Marks the invitation accepted by `userId` and, when it is into an organization, makes them a member with the
 * invited role (`member.added`); someone who is a member already keeps the role they have. Inside the caller's
 * transaction, with the invitation locked; the events are the invitee's doing.
 */
export async function completeInvitation(tx: Transaction, invitation: InvitationRow, user: Pick<UserRow, 'id'>, now: Date): Promise<void> {
  const invitee: Principal = { kind: 'user', door: 'console', userId: user.id, role: invitation.role };
  const [accepted] = await tx.update(invitations).set({ acceptedAt: now, acceptedUserId: user.id }).where(eq(invitations.id, invitation.id)).returning();
  if (!isOrganizationInvitation(accepted!)) {
    await recordEvent(tx, invitee, {
      type: 'invitation.accepted',
      subject: { type: 'invitation', id: invitation.id },
      changes: { acceptedAt: { before: null, after: now.toISOString() } },
      data: { invitation: toInvitationDto(accepted!, now) },
    });
    return;
  }
  const organizationId = accepted.organizationId;
  const [added] = await tx
    .insert(organizationMembers)
    .values({ organizationId, userId: user.id, role: accepted.organizationRole, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning({ role: organizationMembers.role });
  if (added) await memberEvent(tx, invitee, 'member.added', await readMember(tx, organizationId, user.id), { role: { before: null, after: added.role } });
  await recordEvent(tx, invitee, {
    type: 'invitation.accepted',
    subject: { type: 'invitation', id: invitation.id },
    organizationId,
    changes: { acceptedAt: { before: null, after: now.toISOString() } },
    data: { invitation: toOrganizationInvitationDto(accepted, now) },
  });
}

/**
 * The invitee who already has an account, signed in: joins the organization the link invites into. Only the account
 * whose verified email is the invited address may (a link forwarded to someone else's account does nothing).
 * Single use, like every invitation. Returns the organization joined.
 */
export async function joinByInvitation(ctx: CoreContext, token: unknown, { now = new Date() }: { now?: Date } = {}): Promise<{ organizationId: string }> {
  const { principal } = ctx;
  if (principal.kind === 'anonymous') throw new Unauthenticated('Sign in with the invited address to accept this invitation.');
  if (principal.kind !== 'user') throw new Forbidden('Only a signed-in user can accept an invitation.');
  if (!isWellFormedLinkToken(token)) throw new InvitationUnusable('unknown');
  return ctx.db.transaction(async (tx) => {
    const [invitation] = await tx.select().from(invitations).where(eq(invitations.tokenHash, hashLinkToken(token))).for('update');
    if (!invitation || !isOrganizationInvitation(invitation)) throw new InvitationUnusable('unknown');
    const state = invitationStatus(invitation, now);
    if (state !== 'pending') throw new InvitationUnusable(state);
    const [user] = await tx.select().from(users).where(eq(users.id, principal.userId));
    if (!user || !user.emailVerified || user.email.toLowerCase() !== invitation.email.toLowerCase()) {
      throw new Forbidden(`This invitation is for ${invitation.email}: sign in with that address (verified) to accept it.`);
    }
    await completeInvitation(tx, invitation, user, now);
    return { organizationId: invitation.organizationId };
  });
}
