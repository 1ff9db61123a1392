import { parse } from 'csv-parse/sync';
import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents } from '@/db/schema';
import * as membersExport from '../../app/api/v1/organizations/[orgId]/members/export/route';
import { truncateAll } from '../support/database';
import { seedOrganization } from '../support/organizations';
import { apiKeyFor, bearerFor, insertUser } from '../support/principals';
import type { Problem } from '../support/problem';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const today = new Date().toISOString().slice(0, 10);
let db: Database;
beforeEach(async () => {
  db = (await getDatabase()).db;
  await truncateAll(db);
});

function exportMembers(orgId: string, query: string, headers: Record<string, string>): Promise<Response> {
  const url = new URL(`/api/v1/organizations/${orgId}/members/export${query}`, 'http://localhost:3000');
  return membersExport.GET(new Request(url, { headers }), { params: Promise.resolve({ orgId }) } as never);
}

/** Two organizations: Acme (owner, an admin with a formula-like name, a member) and Globex (its owner only). */
async function twoOrganizations() {
  const owner = await bearerFor(db, 'member');
  const admin = await insertUser(db, 'member', { name: '=HYPERLINK("http://evil.example")' });
  const member = await bearerFor(db, 'member');
  const acme = await seedOrganization(db, 'acme', owner.userId, { [admin.id]: 'admin', [member.userId]: 'member' });
  const outsider = await bearerFor(db, 'member');
  const globex = await seedOrganization(db, 'globex', outsider.userId);
  return { owner, admin, member, acme, outsider, globex };
}

describe('GET /api/v1/organizations/{orgId}/members/export', () => {
  it('CSV: every member of that organization only, oldest first, formula-escaped, as an attachment; recorded with the organization', async () => {
    const { owner, admin, member, acme } = await twoOrganizations();
    const response = await exportMembers(acme.id, '', member.headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="roster-organization-members-${today}.csv"`);
    const rows = parse(await response.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.userId, row.role])).toEqual([
      [owner.userId, 'owner'],
      [admin.id, 'admin'],
      [member.userId, 'member'],
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['userId', 'email', 'name', 'role', 'createdAt', 'updatedAt']);
    expect(rows[1]!.name).toBe(`'=HYPERLINK("http://evil.example")`);

    const downloads = await db
      .select({ actor: auditEvents.actor, organizationId: auditEvents.organizationId, data: auditEvents.data })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'export.downloaded')));
    expect(downloads).toEqual([{ actor: `user:${member.userId}`, organizationId: acme.id, data: expect.objectContaining({ what: 'organization-members', format: 'csv' }) }]);
  });

  it('NDJSON: the member list DTOs, one a line', async () => {
    const { owner, acme } = await twoOrganizations();
    const response = await exportMembers(acme.id, '?format=ndjson', owner.headers);
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({ organizationId: acme.id, userId: owner.userId, email: owner.email, name: expect.any(String), role: 'owner', createdAt: expect.any(String), updatedAt: expect.any(String) });
  });

  it('outsiders, nobody and unscoped keys are refused before anything is read; staff and organizations:read keys may export', async () => {
    const { outsider, acme } = await twoOrganizations();
    const refused = async (headers: Record<string, string>, status: number) => {
      const response = await exportMembers(acme.id, '', headers);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      return (await response.json()) as Problem;
    };
    await refused(outsider.headers, 404);
    await refused({}, 401);
    await refused((await apiKeyFor(db, ['users:read'])).headers, 403);
    expect(await db.select().from(auditEvents).where(eq(auditEvents.action, 'export.downloaded'))).toEqual([]);

    expect((await exportMembers(acme.id, '', (await bearerFor(db, 'viewer')).headers)).status).toBe(200);
    expect((await exportMembers(acme.id, '', (await apiKeyFor(db, ['organizations:read'])).headers)).status).toBe(200);
  });

  it('bad input is a 400 problem naming the parameter; an unknown organization is a 404', async () => {
    const { owner, acme } = await twoOrganizations();
    const bad = await exportMembers(acme.id, '?format=xlsx', owner.headers);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('format');
    const staff = await bearerFor(db, 'admin');
    expect((await exportMembers('01900000-0000-7000-8000-000000000000', '', staff.headers)).status).toBe(404);
    expect((await exportMembers('not-a-uuid', '', staff.headers)).status).toBe(404);
  });
});
