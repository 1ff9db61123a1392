'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getAuth } from '@/auth';
import { limitAuthRequest } from '@/auth/request-limit';
import type { ActionState } from '@/actions/action-state';
import { clientIp } from '@/actions/client-ip';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields } from '@/actions/form-data';
import { Forbidden } from '@/core/errors';
import { createOwner } from '@/core/users';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { defaultConsolePath } from '@/lib/next-path';

/**
 * First setup: creates the owner as an anonymous console principal (the core allows that only while Roster has
 * no owner, under a lock, so two racing setups can't both win), then signs them in. Anonymous, so limited per client
 * IP like the sign-in endpoints (ROSTER_AUTH_RATE_LIMIT_IP).
 */
export async function setupOwnerAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  // The password is never echoed back to the page.
  const values = pickFields(formData, ['email', 'name']);
  const input = { ...values, password: pickFields(formData, ['password']).password ?? '' };
  try {
    await limitAuthRequest(await clientIp());
    const { db } = await getDatabase();
    await createOwner({ db, principal: { kind: 'anonymous', door: 'console' } }, input);
  } catch (error) {
    // Someone else finished setup meanwhile: this page is closed, sign in instead.
    if (error instanceof Forbidden) redirect('/sign-in');
    return errorToActionState(error, values);
  }
  try {
    await (await getAuth()).api.signInEmail({ body: { email: input.email, password: input.password }, headers: await headers() });
  } catch (error) {
    // The owner exists; only the automatic sign-in failed (e.g. rate limited). They can sign in by hand.
    logger.warn({ err: error }, 'sign-in after setup failed');
    redirect('/sign-in');
  }
  redirect(defaultConsolePath);
}
