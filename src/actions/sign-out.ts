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
    // Better Auth already tolerates a missing or expired session; anything else is logged, and the user still
    // lands on the sign-in page rather than an error.
    logger.warn({ err: error }, 'sign-out failed');
  }
  redirect('/sign-in');
}
