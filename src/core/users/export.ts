import 'server-only';
import { authorize } from '../authorization';
import { exportFormat, planExport, type ExportPlan } from '../exports';
import type { Principal } from '../principal';
import { parseInput } from '../validation';
import { toUserDto, type UserDto } from './dto';
import { usersNewestFirst } from './queries';
import { userFilterQuery } from './schemas';

/** `GET /api/v1/users/export`: the list's filters and a format (CSV by default). */
export const exportUsersQuery = userFilterQuery.extend({ format: exportFormat.default('csv') });

const columns = ['id', 'email', 'name', 'role', 'status', 'plan', 'subscriptionStatus', 'version', 'createdAt', 'updatedAt'] as const satisfies readonly (keyof UserDto)[];

/** Every user the list's filters select, newest first, as the list's DTOs. Throws before anything is read. */
export function planUserExport(principal: Principal, rawQuery: Record<string, string | undefined>): ExportPlan {
  authorize(principal, 'users:read');
  const { format, ...filter } = parseInput(exportUsersQuery, rawQuery, 'query');
  return planExport('users', format, {
    readChunk: (db, after, limit) => usersNewestFirst(db, filter, after, limit),
    toDto: toUserDto,
    layout: { header: columns, cells: (user) => columns.map((column) => user[column]) },
  });
}
