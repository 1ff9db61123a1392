import 'server-only';
import type { CoreContext, Principal } from '@/core/principal';
import { getDatabase } from '@/db';

// Identity arrives with the auth work; the console already passes a principal to every use case.
const consolePrincipal: Principal = { kind: 'anonymous', door: 'console' };

/** The core context for a console read or action. */
export async function consoleContext(): Promise<CoreContext> {
  const { db } = await getDatabase();
  return { db, principal: consolePrincipal };
}
