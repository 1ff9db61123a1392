import 'server-only';
import { z } from 'zod';
import type { InvitationRow } from '@/db/schema';
import { isoDateTime, nextCursor, storedEmail, uuid } from '../bounds';
import { orgRoles } from '../organizations/schemas';
import { PAGE_LIMIT_MAX } from '../page-query';
import { invitationStatus, invitationStatuses } from './dto';

/** An invitation into one organization, as its API shows it (and events carry it): never its link. */
export const organizationInvitationDto = z.strictObject({
  id: uuid(),
  organizationId: uuid(),
  email: storedEmail(),
  /** The role the invitee gets in the organization. */
  role: z.enum(orgRoles),
  status: z.enum(invitationStatuses),
  /** Who invited (a user id); null for API keys and Roster's own tools. */
  invitedBy: uuid().nullable(),
  expiresAt: isoDateTime(),
  acceptedAt: isoDateTime().nullable(),
  /** The account that joined by it: a new one, or the signed-in account that already had the address. */
  acceptedUserId: uuid().nullable(),
  revokedAt: isoDateTime().nullable(),
  createdAt: isoDateTime(),
});
export type OrganizationInvitationDto = z.infer<typeof organizationInvitationDto>;

export const organizationInvitationPage = z.strictObject({ items: z.array(organizationInvitationDto).max(PAGE_LIMIT_MAX), nextCursor: nextCursor() });
export type OrganizationInvitationPage = z.infer<typeof organizationInvitationPage>;

/** An invitation row that is into an organization (both columns set: a check constraint keeps them together). */
export type OrganizationInvitationRow = InvitationRow & { organizationId: string; organizationRole: NonNullable<InvitationRow['organizationRole']> };

export const isOrganizationInvitation = (row: InvitationRow): row is OrganizationInvitationRow => row.organizationId !== null && row.organizationRole !== null;

/** Field by field: the token's hash never leaves the core. */
export function toOrganizationInvitationDto(row: OrganizationInvitationRow, now = new Date()): OrganizationInvitationDto {
  return {
    id: row.id,
    organizationId: row.organizationId,
    email: row.email,
    role: row.organizationRole,
    status: invitationStatus(row, now),
    invitedBy: row.invitedBy,
    expiresAt: row.expiresAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    acceptedUserId: row.acceptedUserId,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
