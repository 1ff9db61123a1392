// The members scenario's tenants: organizations and their memberships, seeded in two INSERT … SELECT
// generate_series statements (100,000 memberships take seconds, not the minutes one use case per row would).
// Members are the bench's own seeded users, never the deletable ones (deleting a last owner is refused), so the
// delete scenario and this one can share a database. Seeding bypasses the core on purpose: no events are needed
// for rows that exist only to be read.
import { randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq, like, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { organizationMembers, organizations, sessions, users } from '@/db/schema';
import type { BenchOptions, DatabaseKind } from './options';

export interface OrganizationSizes {
  organizations: number;
  /** Spread evenly: memberships / organizations members each (one owner, one admin, the rest members). */
  memberships: number;
}

export interface SeededOrganizations {
  /** Every seeded organization, in the order the members scenario cycles through them. */
  ids: string[];
  membersPerOrganization: number;
  /**
   * An end user (global role member, so on no staff plane) with a session, for the doors that read as a member:
   * the bearer token and the organizations they belong to. Undefined when nothing was seeded.
   */
  member?: { bearer: string; organizationIds: string[] };
}

/**
 * Seeds `sizes` organizations with members drawn round-robin from the users whose email carries `runToken` (the
 * bench's seeded users): organization i gets users i·k … i·k + k − 1 (mod the pool), so nobody is in one twice.
 */
export async function seedOrganizations(db: Database, runToken: string, sizes: OrganizationSizes): Promise<SeededOrganizations> {
  const { organizations: count } = sizes;
  if (count === 0) return { ids: [], membersPerOrganization: 0 };
  const perOrganization = Math.max(1, Math.round(sizes.memberships / count));
  const slugPrefix = `bench-${runToken}-`;
  const emails = `%+${runToken}@%`;
  const poolSize = await db.$count(users, like(users.email, emails));
  if (poolSize < perOrganization) throw new Error(`${perOrganization} members per organization need at least as many seeded users (have ${poolSize})`);

  await db.execute(sql`
    INSERT INTO organizations (id, name, slug, created_at, updated_at)
    SELECT gen_random_uuid(), 'Bench organization ' || i, ${slugPrefix} || i, now() - make_interval(secs => i), now() - make_interval(secs => i)
    FROM generate_series(0, ${count - 1}::int) AS i`);
  // Joined a second apart, owner first, so the list's keyset order (joined at, user id) is the seeding order.
  await db.execute(sql`
    WITH pool AS (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM users WHERE email LIKE ${emails}),
         orgs AS (SELECT id, substr(slug, ${slugPrefix.length + 1})::int AS i FROM organizations WHERE slug LIKE ${`${slugPrefix}%`})
    INSERT INTO organization_members (organization_id, user_id, role, created_at, updated_at)
    SELECT orgs.id, pool.id, (CASE j WHEN 0 THEN 'owner' WHEN 1 THEN 'admin' ELSE 'member' END)::org_role,
           now() - make_interval(secs => ${perOrganization} - j), now()
    FROM orgs CROSS JOIN generate_series(0, ${perOrganization - 1}::int) AS j
    JOIN pool ON pool.n = (orgs.i * ${perOrganization} + j) % ${poolSize}`);
  // Fresh statistics, so the first measured requests plan as later ones would.
  await db.execute(sql`ANALYZE organizations`);
  await db.execute(sql`ANALYZE organization_members`);
  const rows = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(like(organizations.slug, `${slugPrefix}%`))
    .orderBy(sql`md5(${organizations.id}::text)`);
  return { ids: rows.map((row) => row.id), membersPerOrganization: perOrganization, member: await seedMemberSession(db, emails) };
}

/**
 * A session for the active `member` among the seeded users who belongs to most organizations, written straight
 * into the database before PGlite's copy (so both servers know it): Better Auth's bearer plugin signs an unsigned
 * token itself, so the token alone is the credential, as it is for an app holding a signed-in user's session.
 */
async function seedMemberSession(db: Database, emails: string): Promise<SeededOrganizations['member']> {
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(organizationMembers, eq(organizationMembers.userId, users.id))
    .where(and(like(users.email, emails), eq(users.role, 'member'), eq(users.status, 'active')))
    .groupBy(users.id)
    .orderBy(desc(sql`count(*)`))
    .limit(1);
  if (!user) return undefined;
  const bearer = randomBytes(32).toString('base64url');
  await db.insert(sessions).values({ id: randomUUID(), token: bearer, userId: user.id, expiresAt: new Date(Date.now() + 24 * 60 * 60 * 1000) });
  const memberships = await db.select({ id: organizationMembers.organizationId }).from(organizationMembers).where(eq(organizationMembers.userId, user.id));
  return { bearer, organizationIds: memberships.map((row) => row.id) };
}

/** PGlite's share of a full run's organizations and memberships (the same members per organization). */
const pgliteShare = 10;

/**
 * What one database is seeded with: nothing unless the members scenario runs; PostgreSQL the sizes asked for (the
 * issue's 10,000 / 100,000 by default); PGlite, whose single process seeds and serves one data directory per server,
 * a tenth of a full run (a smoke run is small enough as it is).
 */
export function organizationSizesFor(kind: DatabaseKind, options: BenchOptions): OrganizationSizes {
  if (!options.scenarios.includes('members')) return { organizations: 0, memberships: 0 };
  const share = kind === 'pglite' && !options.smoke ? pgliteShare : 1;
  return { organizations: Math.ceil(options.organizations / share), memberships: Math.ceil(options.memberships / share) };
}
