import 'server-only';
import { and, asc, desc, eq, ilike, or, sql } from 'drizzle-orm';
import { organizationMembers, organizations } from '@/db/schema';
import { UNPAGED_LIST_MAX } from '../bounds';
import { Forbidden, NotFound, Unauthenticated } from '../errors';
import { decodeCursor, encodeCursor } from '../keyset-cursor';
import type { CoreContext } from '../principal';
import { parseInput } from '../validation';
import { authorizeInOrganization, readsEveryOrganization, userIdOf } from './access';
import { toOrganizationDto, type MyOrganizationDto, type OrganizationDto, type OrganizationPage } from './dto';
import { listOrganizationsQuery } from './schemas';

export async function getOrganization(ctx: CoreContext, id: string): Promise<OrganizationDto> {
  await authorizeInOrganization(ctx, id, 'organization:read');
  const [row] = await ctx.db.select().from(organizations).where(eq(organizations.id, id));
  if (!row) throw new NotFound('Organization');
  return toOrganizationDto(row);
}

/**
 * Staff (and organizations:* keys): every organization, `q` matching a substring of the name or slug. A signed-in
 * end user: the organizations they belong to. Newest first, in keyset pages on (created_at, id).
 */
export async function listOrganizations(ctx: CoreContext, rawQuery: Record<string, string | undefined>): Promise<OrganizationPage> {
  const everyOne = readsEveryOrganization(ctx.principal);
  if (!everyOne && ctx.principal.kind === 'anonymous') throw new Unauthenticated('Sign in or send credentials to do this.');
  if (!everyOne && ctx.principal.kind !== 'user') throw new Forbidden("You don't have permission to do this (needs organizations:read).");
  const query = parseInput(listOrganizationsQuery, rawQuery, 'query');
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const pattern = query.q ? `%${query.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%` : null;
  const base = ctx.db.select({ organization: organizations }).from(organizations);
  const scoped = everyOne
    ? base
    : base.innerJoin(organizationMembers, and(eq(organizationMembers.organizationId, organizations.id), eq(organizationMembers.userId, userIdOf(ctx.principal))));
  const rows = await scoped
    .where(
      and(
        pattern ? or(ilike(organizations.name, pattern), ilike(organizations.slug, pattern)) : undefined,
        after ? sql`(${organizations.createdAt}, ${organizations.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(organizations.createdAt), desc(organizations.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit).map((row) => row.organization);
  const last = page.at(-1);
  return { items: page.map(toOrganizationDto), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

/** The signed-in user's organizations, with their role in each, in the order they joined them (the first UNPAGED_LIST_MAX). */
export async function myOrganizations(ctx: CoreContext): Promise<MyOrganizationDto[]> {
  return ctx.db
    .select({ id: organizations.id, name: organizations.name, slug: organizations.slug, role: organizationMembers.role })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .where(eq(organizationMembers.userId, userIdOf(ctx.principal)))
    .orderBy(asc(organizationMembers.createdAt), asc(organizations.id))
    .limit(UNPAGED_LIST_MAX);
}
