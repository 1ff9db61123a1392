import 'server-only';
import { headers } from 'next/headers';
import { cache } from 'react';
import { getAuth } from '@/auth';
import { userPrincipal } from '@/auth/principal';
import type { CoreContext, Principal } from '@/core/principal';
import { getDatabase } from '@/db';

/** The console's signed-in session (Better Auth, from the request's cookie), read once per request. */
export const consoleSession = cache(async () => (await getAuth()).api.getSession({ headers: await headers() }));

/** Who is using the console: the session's user, re-read from the database, or anonymous. */
export const consolePrincipal = cache(async (): Promise<Principal> => {
  const session = await consoleSession();
  return (session && userPrincipal(session.user, 'console')) ?? { kind: 'anonymous', door: 'console' };
});

/** The core context for a console read or action. Actions are public endpoints: the core checks this principal. */
export async function consoleContext(): Promise<CoreContext> {
  const { db } = await getDatabase();
  return { db, principal: await consolePrincipal() };
}
