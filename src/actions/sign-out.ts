'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getAuth } from '@/auth';
import { logger } from '@/lib/logger';

/** Ends the console session (the session row and its cookie), then shows the sign-in page. */
export async function signOutAction(): Promise<void> {
  try {
    await (await getAuth()).api.signOut({ headers: await headers() });
  } catch (error) {
    // Already signed out (or the session expired meanwhile): nothing to end, the cookie is cleared anyway.
    logger.warn({ err: error }, 'sign-out failed');
  }
  redirect('/sign-in');
}
