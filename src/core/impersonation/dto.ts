import 'server-only';
import type { ImpersonationRow } from '@/db/schema';

/** An impersonation as events, the banner and the API show it. */
export interface ImpersonationDto {
  id: string;
  adminId: string;
  userId: string;
  reason: string;
  ticket: string | null;
  startedAt: string;
  expiresAt: string;
  endedAt: string | null;
  endReason: string | null;
}

export function toImpersonationDto(row: ImpersonationRow): ImpersonationDto {
  return {
    id: row.id,
    adminId: row.adminId,
    userId: row.userId,
    reason: row.reason,
    ticket: row.ticket,
    startedAt: row.startedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    endReason: row.endReason,
  };
}
