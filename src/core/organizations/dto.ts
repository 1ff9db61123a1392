import 'server-only';
import { z } from 'zod';
import type { OrganizationMemberRow, OrganizationRow } from '@/db/schema';
import { int32, isoDateTime, nextCursor, storedEmail, uuid } from '../bounds';
import { PAGE_LIMIT_MAX } from '../page-query';
import { NAME_MAX, PLAN_MAX, SUBSCRIPTION_STATUS_MAX } from '../users/schemas';
import { orgRoles, slug } from './schemas';

/** An organization as the API returns it: built field by field, so a new column never leaks. */
export const organizationDto = z.strictObject({
  id: uuid(),
  name: z.string().max(NAME_MAX),
  slug,
  metadata: z.record(z.string(), z.unknown()),
  plan: z.string().max(PLAN_MAX),
  /** The Stripe subscription's status, once a checkout named this organization (`org_<id>`); null before. */
  subscriptionStatus: z.string().max(SUBSCRIPTION_STATUS_MAX).nullable(),
  version: int32(1),
  createdAt: isoDateTime(),
  updatedAt: isoDateTime(),
});
export type OrganizationDto = z.infer<typeof organizationDto>;

export function toOrganizationDto(row: OrganizationRow): OrganizationDto {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    metadata: row.metadata,
    plan: row.plan,
    subscriptionStatus: row.subscriptionStatus,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const organizationPage = z.strictObject({ items: z.array(organizationDto).max(PAGE_LIMIT_MAX), nextCursor: nextCursor() });
export type OrganizationPage = z.infer<typeof organizationPage>;

/** A membership with the member's email and name, so a member list needs no second call per row. */
export const memberDto = z.strictObject({
  organizationId: uuid(),
  userId: uuid(),
  email: storedEmail(),
  name: z.string().max(NAME_MAX),
  role: z.enum(orgRoles),
  createdAt: isoDateTime(),
  updatedAt: isoDateTime(),
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

export const memberPage = z.strictObject({ items: z.array(memberDto).max(PAGE_LIMIT_MAX), nextCursor: nextCursor() });
export type MemberPage = z.infer<typeof memberPage>;

/** One of the caller's organizations, with their role in it (`GET /api/v1/me`). */
export const myOrganizationDto = z.strictObject({ id: uuid(), name: z.string().max(NAME_MAX), slug, role: z.enum(orgRoles) });
export type MyOrganizationDto = z.infer<typeof myOrganizationDto>;
