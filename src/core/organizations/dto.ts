import 'server-only';
import { z } from 'zod';
import type { OrganizationMemberRow, OrganizationRow } from '@/db/schema';
import { orgRoles } from './schemas';

/** An organization as the API returns it: built field by field, so a new column never leaks. */
export const organizationDto = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  plan: z.string(),
  version: z.number().int().min(1),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type OrganizationDto = z.infer<typeof organizationDto>;

export function toOrganizationDto(row: OrganizationRow): OrganizationDto {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    metadata: row.metadata,
    plan: row.plan,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const organizationPage = z.strictObject({ items: z.array(organizationDto), nextCursor: z.string().nullable() });
export type OrganizationPage = z.infer<typeof organizationPage>;

/** A membership with the member's email and name, so a member list needs no second call per row. */
export const memberDto = z.strictObject({
  organizationId: z.uuid(),
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(orgRoles),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type MemberDto = z.infer<typeof memberDto>;

export type MemberRow = OrganizationMemberRow & { email: string; name: string };

export function toMemberDto(row: MemberRow): MemberDto {
  return {
    organizationId: row.organizationId,
    userId: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const memberPage = z.strictObject({ items: z.array(memberDto), nextCursor: z.string().nullable() });
export type MemberPage = z.infer<typeof memberPage>;

/** One of the caller's organizations, with their role in it (`GET /api/v1/me`). */
export const myOrganizationDto = z.strictObject({ id: z.uuid(), name: z.string(), slug: z.string(), role: z.enum(orgRoles) });
export type MyOrganizationDto = z.infer<typeof myOrganizationDto>;
