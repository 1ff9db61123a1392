import 'server-only';
import { z } from 'zod';
import type { UserRow } from '@/db/schema';
import { roles, statuses } from './schemas';

/**
 * The public shape of a user: what both doors return, and what the OpenAPI document publishes. Strict, and built
 * field by field, so a new column never leaks.
 */
export const userDto = z.strictObject({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(roles),
  status: z.enum(statuses),
  plan: z.string(),
  /** Stripe's status of the user's subscription (active, past_due, canceled, ...), or null without one. */
  subscriptionStatus: z.string().nullable(),
  version: z.number().int().min(1),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
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
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** One page of a list, newest first; `nextCursor` fetches the next one (null on the last). */
export const userPage = z.strictObject({ items: z.array(userDto), nextCursor: z.string().nullable() });
export type UserPage = z.infer<typeof userPage>;
