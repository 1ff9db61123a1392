import 'server-only';
import { hashPassword } from 'better-auth/crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database, Transaction } from '@/db/client';
import { accounts, invitations, users, type InvitationRow } from '@/db/schema';
import { diffFields, recordEvent } from '../events';
import { toUserDto } from '../users/dto';
import { authorize, authorizeAccountChange } from '../authorization';
import { UNPAGED_LIST_MAX } from '../bounds';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../db-errors';
import { Conflict, NotFound } from '../errors';
import { hashLinkToken, isWellFormedLinkToken, newLinkToken } from '../link-tokens';
import { emailLink } from '../links';
import { enqueueMail } from '../mail';
import { spendSendLimits, type MailRequest } from '../accounts/send-limits';
import { actorOf, type CoreContext, type Principal } from '../principal';
import { isUuid, parseInput } from '../validation';
import { invitationStatus, toInvitationDto, type InvitationDto, type InvitationStatus } from './dto';
import { INVITATION_TTL_MS, issueInvitation } from './issue';
import { completeInvitation } from './join';
import { InvitationUnusable, inspectInvitationLink } from './link';
import { clearInvitedAddress } from './unproven-account';
import { acceptInvitationInput, createInvitationInput, type AcceptInvitationInput, type CreateInvitationInput } from './schemas';

interface Clock {
  now?: Date;
}

/**
 * Invites someone by email, with a role the inviter may grant (admins invite below admin). The invitation, its
 * email and the audit event commit together. An address that already has an account, or an open invitation, is
 * a Conflict; an expired invitation to it is superseded. Limited per client IP and per inviter (TooManyRequests).
 */
export async function createInvitation(ctx: CoreContext, rawInput: CreateInvitationInput | unknown, { now = new Date(), ...request }: MailRequest & Clock): Promise<InvitationDto> {
  authorize(ctx.principal, 'users:write');
  const input = parseInput(createInvitationInput, rawInput);
  authorizeAccountChange(ctx.principal, null, input.role);
  await spendSendLimits(request, { account: actorOf(ctx.principal) });
  try {
    return await ctx.db.transaction(async (tx) => {
      // An account that never proved the address doesn't stop the invitation: accepting it replaces that account.
      const [existing] = await tx.select({ emailVerified: users.emailVerified }).from(users).where(sql`lower(${users.email}) = ${input.email}`);
      if (existing?.emailVerified) throw new Conflict('A user with this email already exists', 'email');
      const [open] = await tx.select().from(invitations).where(openFor(input.email)).for('update');
      if (open && invitationStatus(open, now) === 'pending') throw new Conflict('This address is already invited: resend that invitation instead', 'email');
      if (open) await tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, open.id));
      const { row, token } = await issueInvitation(tx, ctx.principal, { email: input.email, role: input.role }, now);
      await enqueueMail(tx, { kind: 'invitation', to: row.email, link: emailLink('invite', token) });
      const invitation = toInvitationDto(row, now);
      await recordEvent(tx, ctx.principal, {
        type: 'invitation.created',
        subject: { type: 'invitation', id: invitation.id },
        changes: diffFields(undefined, { email: row.email, role: row.role }, ['email', 'role']),
        data: { invitation },
      });
      return invitation;
    });
  } catch (error) {
    // Two admins inviting the same address at once: the partial unique index lets one through.
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) throw new Conflict('This address is already invited: resend that invitation instead', 'email');
    throw error;
  }
}

/** Newest first; `status` narrows the list (the console shows pending ones). Invitations into organizations are listed under each. */
export async function listInvitations(ctx: CoreContext, { status, now = new Date() }: { status?: InvitationStatus } & Clock = {}): Promise<InvitationDto[]> {
  authorize(ctx.principal, 'users:read');
  const rows = await ctx.db.select().from(invitations).where(isNull(invitations.organizationId)).orderBy(desc(invitations.createdAt), desc(invitations.id)).limit(UNPAGED_LIST_MAX);
  return rows.map((row) => toInvitationDto(row, now)).filter((dto) => !status || dto.status === status);
}

export async function getInvitation(ctx: CoreContext, id: string, { now = new Date() }: Clock = {}): Promise<InvitationDto> {
  authorize(ctx.principal, 'users:read');
  if (!isUuid(id)) throw new NotFound('Invitation');
  const [row] = await ctx.db.select().from(invitations).where(intoRoster(id));
  if (!row) throw new NotFound('Invitation');
  return toInvitationDto(row, now);
}

/** Its link stops working at once. Only open invitations can be revoked. */
export async function revokeInvitation(ctx: CoreContext, id: string, { now = new Date() }: Clock = {}): Promise<InvitationDto> {
  authorize(ctx.principal, 'users:write');
  return ctx.db.transaction(async (tx) => {
    const current = await lockOpenInvitation(tx, ctx.principal, id);
    const [row] = await tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, id)).returning();
    const invitation = toInvitationDto(row!, now);
    await recordEvent(tx, ctx.principal, {
      type: 'invitation.revoked',
      subject: { type: 'invitation', id },
      changes: { revokedAt: { before: null, after: now.toISOString() }, email: { before: current.email, after: current.email } },
      data: { invitation },
    });
    return invitation;
  });
}

/**
 * A new link (the old one stops working) and a fresh 7 days, sent again. Works on expired invitations too. Limited
 * per client IP and per account that resends (TooManyRequests).
 */
export async function resendInvitation(ctx: CoreContext, id: string, { now = new Date(), ...request }: MailRequest & Clock): Promise<InvitationDto> {
  authorize(ctx.principal, 'users:write');
  await spendSendLimits(request, { account: actorOf(ctx.principal) });
  return ctx.db.transaction(async (tx) => {
    const current = await lockOpenInvitation(tx, ctx.principal, id);
    const token = newLinkToken();
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    const [row] = await tx.update(invitations).set({ tokenHash: hashLinkToken(token), expiresAt }).where(eq(invitations.id, id)).returning();
    await enqueueMail(tx, { kind: 'invitation', to: row!.email, link: emailLink('invite', token) });
    const invitation = toInvitationDto(row!, now);
    await recordEvent(tx, ctx.principal, {
      type: 'invitation.resent',
      subject: { type: 'invitation', id },
      changes: { expiresAt: { before: current.expiresAt.toISOString(), after: expiresAt.toISOString() } },
      data: { invitation },
    });
    return invitation;
  });
}

async function lockOpenInvitation(tx: Transaction, principal: Principal, id: string): Promise<InvitationRow> {
  if (!isUuid(id)) throw new NotFound('Invitation');
  const [row] = await tx.select().from(invitations).where(intoRoster(id)).for('update');
  if (!row) throw new NotFound('Invitation');
  authorizeAccountChange(principal, null, row.role);
  if (row.acceptedAt) throw new Conflict('This invitation was already accepted.');
  if (row.revokedAt) throw new Conflict('This invitation was revoked.');
  return row;
}

const openFor = (email: string) => and(sql`lower(${invitations.email}) = ${email}`, isNull(invitations.organizationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt));

/** An invitation to Roster itself by id: one into an organization is managed under that organization only. */
const intoRoster = (id: string) => and(eq(invitations.id, id), isNull(invitations.organizationId));

/**
 * The invitee's side: creates their account with the invited role (the link proves the address, so it counts as
 * verified) and a password, or none when they continue with single sign-on, which then links by that verified
 * email. An invitation into an organization also makes them a member there with the invited role. Single use: the
 * invitation is locked and marked accepted in the same transaction. An account someone registered with the address
 * without proving it is replaced (clearInvitedAddress); one that proved it is a Conflict (sign in instead).
 */
export async function acceptInvitation(db: Database, token: unknown, rawInput: AcceptInvitationInput | unknown, { now = new Date() }: Clock = {}): Promise<{ userId: string; email: string }> {
  if (!isWellFormedLinkToken(token)) throw new InvitationUnusable('unknown');
  // A link that can't be used costs no password hash (anyone may post one): looked up first, and again under lock.
  const link = await inspectInvitationLink(db, token, { now });
  if (link.state !== 'pending') throw new InvitationUnusable(link.state);
  const input = parseInput(acceptInvitationInput, rawInput);
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const [invitation] = await tx.select().from(invitations).where(eq(invitations.tokenHash, hashLinkToken(token))).for('update');
      if (!invitation) throw new InvitationUnusable('unknown');
      const state = invitationStatus(invitation, now);
      if (state !== 'pending') throw new InvitationUnusable(state);
      const userId = uuidv7();
      const invitee: Principal = { kind: 'user', door: 'console', userId, role: invitation.role };
      await clearInvitedAddress(tx, invitee, invitation.email);
      const [user] = await tx.insert(users).values({ id: userId, email: invitation.email, name: input.name, role: invitation.role, emailVerified: true }).returning();
      if (passwordHash) await tx.insert(accounts).values({ id: uuidv7(), accountId: userId, providerId: 'credential', userId, password: passwordHash });
      await recordEvent(tx, invitee, {
        type: 'user.created',
        subject: { type: 'user', id: userId },
        changes: diffFields(undefined, user!, ['email', 'name', 'role', 'status']),
        data: { user: toUserDto(user!) },
      });
      await completeInvitation(tx, invitation, user!, now);
      return { userId, email: invitation.email };
    });
  } catch (error) {
    // Someone created an account with this address since the invitation was sent.
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) throw new Conflict('An account with this email already exists. Sign in instead.');
    throw error;
  }
}
