import 'server-only';
import { z } from 'zod';
import type { InvitationRow } from '@/db/schema';
import { isoDateTime, storedEmail, uuid } from '../bounds';
import { roles } from '../users/schemas';

export const invitationStatuses = ['pending', 'accepted', 'expired', 'revoked'] as const;
export type InvitationStatus = (typeof invitationStatuses)[number];

/** An invitation as the API and the console show it (and the OpenAPI document publishes): never its link. */
export const invitationDto = z.strictObject({
  id: uuid(),
  email: storedEmail(),
  role: z.enum(roles),
  status: z.enum(invitationStatuses),
  /** Who invited (a user id); null for Roster's own tools. */
  invitedBy: uuid().nullable(),
  expiresAt: isoDateTime(),
  acceptedAt: isoDateTime().nullable(),
  revokedAt: isoDateTime().nullable(),
  createdAt: isoDateTime(),
});
export type InvitationDto = z.infer<typeof invitationDto>;

export function invitationStatus(row: Pick<InvitationRow, 'acceptedAt' | 'revokedAt' | 'expiresAt'>, now = new Date()): InvitationStatus {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  return row.expiresAt <= now ? 'expired' : 'pending';
}

/** Field by field: the token's hash never leaves the core. */
export function toInvitationDto(row: InvitationRow, now = new Date()): InvitationDto {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status: invitationStatus(row, now),
    invitedBy: row.invitedBy,
    expiresAt: row.expiresAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
