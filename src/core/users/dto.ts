import 'server-only';
import { z } from 'zod';
import type { UserRow } from '@/db/schema';
import { int32, isoDateTime, nextCursor, storedEmail, uuid } from '../bounds';
import { PAGE_LIMIT_MAX } from '../page-query';
import { IMPORT_LIMITS } from './import/records';
import { NAME_MAX, PLAN_MAX, roles, statuses, SUBSCRIPTION_STATUS_MAX, SUSPENSION_REASON_MAX } from './schemas';

/**
 * The public shape of a user: what both doors return, and what the OpenAPI document publishes. Strict, and built
 * field by field, so a new column never leaks.
 */
export const userDto = z.strictObject({
  id: uuid(),
  email: storedEmail(),
  name: z.string().max(NAME_MAX),
  role: z.enum(roles),
  status: z.enum(statuses),
  plan: z.string().max(PLAN_MAX),
  /** Stripe's status of the user's subscription (active, past_due, canceled, ...), or null without one. */
  subscriptionStatus: z.string().max(SUBSCRIPTION_STATUS_MAX).nullable(),
  /** The user's id in the system they were imported from (unique), or null. */
  externalId: z.string().max(IMPORT_LIMITS.externalId).nullable(),
  /** What an import brought along (at most 8 KiB of JSON); stored, never read by Roster. */
  metadata: z.record(z.string().max(IMPORT_LIMITS.metadataKey), z.unknown()).meta({ maxProperties: IMPORT_LIMITS.metadataJson / 4 }),
  /** Only on a suspended user, when staff gave a reason: why. */
  suspensionReason: z.string().max(SUSPENSION_REASON_MAX).optional(),
  /** Only on a suspended user whose suspension ends by itself: when it does (within a minute after). */
  suspendedUntil: isoDateTime().optional(),
  version: int32(1),
  createdAt: isoDateTime(),
  updatedAt: isoDateTime(),
});
export type UserDto = z.infer<typeof userDto>;

export function toUserDto(row: UserRow): UserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    plan: row.plan,
    subscriptionStatus: row.subscriptionStatus,
    externalId: row.externalId,
    metadata: row.metadata,
    ...(row.status === 'suspended' && row.suspensionReason !== null ? { suspensionReason: row.suspensionReason } : {}),
    ...(row.status === 'suspended' && row.suspendedUntil !== null ? { suspendedUntil: row.suspendedUntil.toISOString() } : {}),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** One page of a list, newest first; `nextCursor` fetches the next one (null on the last). */
export const userPage = z.strictObject({ items: z.array(userDto).max(PAGE_LIMIT_MAX), nextCursor: nextCursor() });
export type UserPage = z.infer<typeof userPage>;
