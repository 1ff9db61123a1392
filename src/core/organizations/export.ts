import 'server-only';
import { z } from 'zod';
import { exportFormat, planExport, type ExportPlan } from '../exports';
import type { CoreContext } from '../principal';
import { parseInput } from '../validation';
import { authorizeInOrganization } from './access';
import { toMemberDto, type MemberDto } from './dto';
import { assertOrganizationExists, membersInOrder } from './members';

/** `GET /api/v1/organizations/{orgId}/members/export`: a format (CSV by default). */
export const exportMembersQuery = z.object({ format: exportFormat.default('csv') });

const columns = ['userId', 'email', 'name', 'role', 'createdAt', 'updatedAt'] as const satisfies readonly (keyof MemberDto)[];

/**
 * Every member of one organization, oldest first, as the member list's DTOs: for whoever may read its members
 * (its members, staff, keys allowed in it). Throws before anything is read.
 */
export async function planMemberExport(ctx: CoreContext, organizationId: string, rawQuery: Record<string, string | undefined>, clientIp: string | null): Promise<ExportPlan> {
  const standing = await authorizeInOrganization(ctx, organizationId, 'members:read');
  const { format } = parseInput(exportMembersQuery, rawQuery, 'query');
  if (standing.plane === 'staff') await assertOrganizationExists(ctx.db, organizationId);
  return planExport(
    { what: 'organization-members', format, filters: { organizationId }, principal: ctx.principal, clientIp, organizationId },
    {
      readChunk: (db, after, limit) => membersInOrder(db, organizationId, after, limit),
      toDto: toMemberDto,
      layout: { header: columns, cells: (member) => columns.map((column) => member[column]) },
    },
  );
}
