import 'server-only';
import { authorize, type Permission } from '@/core/authorization';
import type { CoreContext, Principal } from '@/core/principal';
import { getDatabase } from '@/db';
import { consoleContext } from './context';

// Console reads are cached with unstable_cache and shared by every signed-in reader. A cached function must
// not read the request (cookies) and its result must not depend on who asked, so the caller's permission is
// checked per request *before* the cache, and the cached read itself runs as this reader.
const consoleCacheReader: Principal = { kind: 'system', door: 'console', name: 'console-cache' };

/** Throws Unauthenticated/Forbidden unless the console's signed-in user holds `permission`. */
export async function authorizeConsoleRead(permission: Permission): Promise<void> {
  authorize((await consoleContext()).principal, permission);
}

/** The context for the body of a cached read; only call it behind authorizeConsoleRead. */
export async function cacheReaderContext(): Promise<CoreContext> {
  const { db } = await getDatabase();
  return { db, principal: consoleCacheReader };
}
