import 'server-only';
import { asc, count, eq, inArray } from 'drizzle-orm';
import { auditEvents, organizationMembers, organizations, users } from '@/db/schema';
import { authorize } from '../authorization';
import { Forbidden, Unauthenticated, ValidationFailed } from '../errors';
import type { EventDto } from '../events';
import { newestFirst } from '../events/audit-trail';
import { toEventDto } from '../events/dto';
import type { CoreContext, Principal } from '../principal';
import { email as emailSchema } from '../users/schemas';
import { isUuid } from '../validation';
import { authorizeInOrganization, readsEveryOrganization } from './access';
import type { MyOrganizationDto } from './dto';

// What the console (the staff plane) shows beside the REST resources: member counts on the list, a user's
// organizations on their page, an organization's history, and users named the way staff type them (email or id).

/** Staff who read every organization (viewers and up); anyone else is refused. */
export function authorizeStaffRead(principal: Principal): void {
  if (principal.kind === 'anonymous') throw new Unauthenticated('Sign in or send credentials to do this.');
  if (!readsEveryOrganization(principal)) throw new Forbidden("You don't have permission to do this (needs organizations:read).");
}

/**
 * The id of the user a form names by email or by id; ValidationFailed on `field` when nobody has it. Staff who may
 * read users only: an email here finds no more than the users list would.
 */
export async function resolveUserReference(ctx: CoreContext, reference: string, field: string): Promise<string> {
  authorize(ctx.principal, 'users:read');
  const text = reference.trim();
  if (text === '') throw new ValidationFailed([{ path: [field], message: 'Enter the user’s email or id' }]);
  const parsedEmail = emailSchema.safeParse(text);
  if (!isUuid(text) && !parsedEmail.success) throw new ValidationFailed([{ path: [field], message: 'Enter an email address or a user id' }]);
  const where = isUuid(text) ? eq(users.id, text.toLowerCase()) : eq(users.email, parsedEmail.data!);
  const [user] = await ctx.db.select({ id: users.id }).from(users).where(where);
  if (!user) throw new ValidationFailed([{ path: [field], message: isUuid(text) ? 'No user has this id' : 'No user has this email' }]);
  return user.id;
}

/** How many members each of these organizations has (ids with none are absent from the answer). */
export async function memberCounts(ctx: CoreContext, organizationIds: readonly string[]): Promise<Record<string, number>> {
  authorizeStaffRead(ctx.principal);
  if (organizationIds.length === 0) return {};
  const rows = await ctx.db
    .select({ organizationId: organizationMembers.organizationId, members: count() })
    .from(organizationMembers)
    .where(inArray(organizationMembers.organizationId, [...organizationIds]))
    .groupBy(organizationMembers.organizationId);
  return Object.fromEntries(rows.map((row) => [row.organizationId, row.members]));
}

/** The emails of these users (an invitation's inviter, by id): staff who may read users only. */
export async function userEmails(ctx: CoreContext, userIds: readonly string[]): Promise<Record<string, string>> {
  authorize(ctx.principal, 'users:read');
  if (userIds.length === 0) return {};
  const rows = await ctx.db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, [...new Set(userIds)]));
  return Object.fromEntries(rows.map((row) => [row.id, row.email]));
}

/** The organizations a user belongs to, with their role in each, by name. */
export async function organizationsOfUser(ctx: CoreContext, userId: string): Promise<MyOrganizationDto[]> {
  authorizeStaffRead(ctx.principal);
  if (!isUuid(userId)) return [];
  return ctx.db
    .select({ id: organizations.id, name: organizations.name, slug: organizations.slug, role: organizationMembers.role })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .where(eq(organizationMembers.userId, userId))
    .orderBy(asc(organizations.name), asc(organizations.id));
}

/** The latest events about one organization, newest first: its History panel. */
export async function organizationHistory(ctx: CoreContext, organizationId: string, limit = 20): Promise<EventDto[]> {
  await authorizeInOrganization(ctx, organizationId, 'organization:read');
  return (await newestFirst(ctx.db, [eq(auditEvents.organizationId, organizationId)], limit)).map(toEventDto);
}
