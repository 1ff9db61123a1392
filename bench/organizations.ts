// The members scenario's tenants: organizations and their memberships, seeded in two INSERT … SELECT
// generate_series statements (100,000 memberships take seconds, not the minutes one use case per row would).
// Members are the bench's own seeded users, never the deletable ones (deleting a last owner is refused), so the
// delete scenario and this one can share a database. Seeding bypasses the core on purpose: no events are needed
// for rows that exist only to be read.
import { like, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { organizations, users } from '@/db/schema';
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
  return { ids: rows.map((row) => row.id), membersPerOrganization: perOrganization };
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
