import 'server-only';
import { and, desc, eq, gt, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Transaction } from '@/db/client';
import { invitations, organizationMembers, organizations, users } from '@/db/schema';
import { spendSendLimits, type MailRequest } from '../accounts/send-limits';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../db-errors';
import { Conflict, NotFound } from '../errors';
import { diffFields, recordEvent } from '../events';
import { decodeCursor, encodeCursor } from '../keyset-cursor';
import { emailLink } from '../links';
import { enqueueMail } from '../mail';
import { authorizeInOrganization, authorizeOwnerChange, readsEveryOrganization } from '../organizations/access';
import { actorOf, type CoreContext, type Principal } from '../principal';
import { isUuid, parseInput } from '../validation';
import { issueInvitation } from './issue';
import { type InvitationStatus } from './dto';
import { toOrganizationInvitationDto, type OrganizationInvitationDto, type OrganizationInvitationPage, type OrganizationInvitationRow } from './organization-dto';
import { createOrganizationInvitationInput, listOrganizationInvitationsQuery } from './organization-schemas';

interface Clock {
  now?: Date;
}

const alreadyInvited = 'This address is already invited to this organization: revoke that invitation first, or wait for it to expire';

/**
 * Invites someone by email into an organization, with a role there. Staff who manage organizations, and the
 * organization's owners and admins may (admins not as owner). The address may already have an account: its holder
 * then joins after signing in. The invitation, its email (naming the organization, the inviter and the role) and the
 * event commit together. Same send limits as Roster's own invitations: per client IP and per inviter.
 */
export async function createOrganizationInvitation(
  ctx: CoreContext,
  organizationId: string,
  rawInput: unknown,
  { now = new Date(), ...request }: MailRequest & Clock,
): Promise<OrganizationInvitationDto> {
  const standing = await authorizeInOrganization(ctx, organizationId, 'members:write');
  const input = parseInput(createOrganizationInvitationInput, rawInput);
  if (input.role === 'owner') authorizeOwnerChange(standing);
  await organizationName(ctx.db, organizationId);
  await spendSendLimits(request, { account: actorOf(ctx.principal) });
  try {
    return await ctx.db.transaction(async (tx) => {
      // KEY SHARE: the organization can't be deleted under the insert (its invitations cascade with it).
      const organization = await organizationName(tx, organizationId, true);
      const [member] = await tx
        .select({ userId: organizationMembers.userId })
        .from(organizationMembers)
        .innerJoin(users, eq(users.id, organizationMembers.userId))
        .where(and(eq(organizationMembers.organizationId, organizationId), sql`lower(${users.email}) = ${input.email}`));
      if (member) throw new Conflict('Someone with this email is already a member of this organization', 'email');
      const [open] = await tx.select().from(invitations).where(openInto(organizationId, input.email)).for('update');
      if (open && open.expiresAt > now) throw new Conflict(alreadyInvited, 'email');
      if (open) await tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, open.id));
      const inviter = await inviterName(tx, ctx.principal);
      // The global role is the one an account made by this invitation gets: an end user of the product.
      const { row, token } = await issueInvitation(tx, ctx.principal, { email: input.email, role: 'member', organizationId, organizationRole: input.role }, now);
      await enqueueMail(tx, { kind: 'invitation', to: input.email, link: emailLink('invite', token), organizationInvitation: { organization, inviter, role: input.role } });
      const invitation = toOrganizationInvitationDto(row as OrganizationInvitationRow, now);
      await recordEvent(tx, ctx.principal, {
        type: 'invitation.created',
        subject: { type: 'invitation', id: invitation.id },
        organizationId,
        changes: diffFields(undefined, { email: invitation.email, role: invitation.role }, ['email', 'role']),
        data: { invitation },
      });
      return invitation;
    });
  } catch (error) {
    // Two admins inviting the same address at once: the partial unique index lets one through.
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) throw new Conflict(alreadyInvited, 'email');
    throw error;
  }
}

/**
 * An organization's invitations, newest first, in keyset pages; `status` narrows them. Staff who read organizations
 * see them; inside the organization, only its owners and admins (they carry addresses of people not yet members).
 */
export async function listOrganizationInvitations(ctx: CoreContext, organizationId: string, rawQuery: Record<string, string | undefined>, { now = new Date() }: Clock = {}): Promise<OrganizationInvitationPage> {
  await authorizeInOrganization(ctx, organizationId, readsEveryOrganization(ctx.principal) ? 'members:read' : 'members:write');
  const query = parseInput(listOrganizationInvitationsQuery, rawQuery, 'query');
  await organizationName(ctx.db, organizationId);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await ctx.db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.organizationId, organizationId),
        query.status && statusIs(query.status, now),
        after && sql`(${invitations.createdAt}, ${invitations.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`,
      ),
    )
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map((row) => toOrganizationInvitationDto(row as OrganizationInvitationRow, now)), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

/**
 * Revokes one of the organization's invitations: its link stops working at once. An invitation of another
 * organization is not found here. Admins can't revoke an invitation to be an owner.
 */
export async function revokeOrganizationInvitation(ctx: CoreContext, organizationId: string, id: string, { now = new Date() }: Clock = {}): Promise<OrganizationInvitationDto> {
  const standing = await authorizeInOrganization(ctx, organizationId, 'members:write');
  if (!isUuid(id)) throw new NotFound('Invitation');
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.id, id), eq(invitations.organizationId, organizationId)))
      .for('update');
    if (!current) throw new NotFound('Invitation');
    if (current.organizationRole === 'owner') authorizeOwnerChange(standing);
    if (current.acceptedAt) throw new Conflict('This invitation was already accepted.');
    if (current.revokedAt) throw new Conflict('This invitation was revoked.');
    const [row] = await tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, id)).returning();
    const invitation = toOrganizationInvitationDto(row as OrganizationInvitationRow, now);
    await recordRevoked(tx, ctx.principal, invitation, now);
    return invitation;
  });
}

/**
 * For the organization's deletion, in its transaction: each open invitation into it is revoked with an event (its
 * link must say "withdrawn", and consumers learn why it went), before the rows cascade away with the organization.
 */
export async function revokeInvitationsOfDeletedOrganization(tx: Transaction, principal: Principal, organizationId: string, { now = new Date() }: Clock = {}): Promise<void> {
  const revoked = await tx
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.organizationId, organizationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning();
  for (const row of revoked) await recordRevoked(tx, principal, toOrganizationInvitationDto(row as OrganizationInvitationRow, now), now);
}

async function recordRevoked(tx: Transaction, principal: Principal, invitation: OrganizationInvitationDto, now: Date): Promise<void> {
  await recordEvent(tx, principal, {
    type: 'invitation.revoked',
    subject: { type: 'invitation', id: invitation.id },
    organizationId: invitation.organizationId,
    changes: { revokedAt: { before: null, after: now.toISOString() }, email: { before: invitation.email, after: invitation.email } },
    data: { invitation },
  });
}

/** The organization's name; NotFound when there is none (staff reach any id, so the row is checked). */
async function organizationName(db: Pick<Transaction, 'select'>, organizationId: string, lock = false): Promise<string> {
  const query = db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, organizationId));
  const [row] = lock ? await query.for('key share') : await query;
  if (!row) throw new NotFound('Organization');
  return row.name;
}

/** How the email names the inviter: a user by name (or address), a key or tool not at all. */
async function inviterName(tx: Transaction, principal: Principal): Promise<string | null> {
  if (principal.kind !== 'user') return null;
  const [row] = await tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, principal.userId));
  return row ? row.name.trim() || row.email : null;
}

/** The open (not accepted, not revoked) invitation into the organization for an address, expired or not. */
const openInto = (organizationId: string, email: string) =>
  and(eq(invitations.organizationId, organizationId), sql`lower(${invitations.email}) = ${email}`, isNull(invitations.acceptedAt), isNull(invitations.revokedAt));

/** `status` as SQL, the same rules as invitationStatus(). */
function statusIs(status: InvitationStatus, now: Date): SQL | undefined {
  switch (status) {
    case 'accepted':
      return isNotNull(invitations.acceptedAt);
    case 'revoked':
      return and(isNull(invitations.acceptedAt), isNotNull(invitations.revokedAt));
    case 'expired':
      return and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), lte(invitations.expiresAt, now));
    case 'pending':
      return and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));
  }
}
