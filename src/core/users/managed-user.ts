import 'server-only';
import type { Transaction } from '@/db/client';
import type { UserRow } from '@/db/schema';
import { authorize, authorizeAccountChange } from '../authorization';
import { NotFound } from '../errors';
import type { Principal } from '../principal';
import { isUuid } from '../validation';
import { lockUser } from './commands';

/**
 * The user a staff tool acts on, locked in `tx`, after the rules every single-user change follows: users:write, and
 * only owners act on admins and owners. A malformed id is a 404, as for any user id.
 */
export async function lockManagedUser(tx: Transaction, principal: Principal, id: string): Promise<UserRow> {
  authorize(principal, 'users:write');
  if (!isUuid(id)) throw new NotFound('User');
  const user = await lockUser(tx, id, {});
  authorizeAccountChange(principal, user.role, user.role);
  return user;
}
