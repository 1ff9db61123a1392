import 'server-only';
import { users } from '@/db/schema';
import { authorize } from '../authorization';
import { exportFormat, formulaSafe, isoTimestamp, planExport, type ExportPlan } from '../exports';
import type { Principal } from '../principal';
import { parseInput } from '../validation';
import { toUserDto, type UserDto } from './dto';
import { usersNewestFirst, usersNewestFirstSelect } from './queries';
import { userFilterQuery } from './schemas';

/** `GET /api/v1/users/export`: the list's filters and a format (CSV by default). */
export const exportUsersQuery = userFilterQuery.extend({ format: exportFormat.default('csv') });

const columns = ['id', 'email', 'name', 'role', 'status', 'plan', 'subscriptionStatus', 'version', 'createdAt', 'updatedAt'] as const satisfies readonly (keyof UserDto)[];

/** Each column's cell when the database writes the CSV: what toUserDto and encodeChunk make of it in JavaScript. */
const csvCells = {
  id: users.id,
  email: formulaSafe(users.email),
  name: formulaSafe(users.name),
  role: users.role,
  status: users.status,
  plan: formulaSafe(users.plan),
  subscriptionStatus: formulaSafe(users.subscriptionStatus),
  version: users.version,
  createdAt: isoTimestamp(users.createdAt),
  updatedAt: isoTimestamp(users.updatedAt),
} satisfies Record<(typeof columns)[number], unknown>;

/**
 * Every user the list's filters select, newest first, as the list's DTOs, for `principal` asking from `clientIp`.
 * Throws before anything is read.
 */
export function planUserExport(principal: Principal, rawQuery: Record<string, string | undefined>, clientIp: string | null): ExportPlan {
  authorize(principal, 'users:read');
  const { format, ...filter } = parseInput(exportUsersQuery, rawQuery, 'query');
  return planExport({ what: 'users', format, filters: filter, principal, clientIp }, {
    readChunk: (db, after, limit) => usersNewestFirst(db, filter, after, limit),
    toDto: toUserDto,
    layout: { header: columns, cells: (user) => columns.map((column) => user[column]) },
    csvSelect: () => usersNewestFirstSelect(filter, columns.map((column) => [column, csvCells[column]] as const)),
  });
}
