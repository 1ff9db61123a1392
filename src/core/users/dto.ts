import 'server-only';
import type { UserRow } from '@/db/schema';

/** The public shape of a user: what both doors return. Built field by field so new columns never leak. */
export interface UserDto {
  id: string;
  email: string;
  name: string;
  role: UserRow['role'];
  status: UserRow['status'];
  plan: string;
  /** Stripe's status of the user's subscription (active, past_due, canceled, ...), or null without one. */
  subscriptionStatus: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

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

export interface UserPage {
  items: UserDto[];
  nextCursor: string | null;
}
