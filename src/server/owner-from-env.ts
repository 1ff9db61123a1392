import 'server-only';
import { DomainError } from '@/core/errors';
import { createOwner, hasOwner } from '@/core/users';
import type { Database } from '@/db/client';
import { logger } from '@/lib/logger';

/**
 * First run without a browser: when ROSTER_OWNER_EMAIL and ROSTER_OWNER_PASSWORD are set and Roster has no
 * owner yet, create that owner. Once any owner exists this does nothing, so the variables can stay set.
 */
export async function createOwnerFromEnv(db: Database, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { ROSTER_OWNER_EMAIL: email, ROSTER_OWNER_PASSWORD: password } = env;
  if (!email || !password || (await hasOwner(db))) return;
  try {
    const owner = await createOwner(
      { db, principal: { kind: 'system', door: 'cli', name: 'owner-from-env' } },
      { email, password, name: env.ROSTER_OWNER_NAME ?? email.split('@')[0] },
    );
    logger.info({ ownerId: owner.id }, 'created the first owner from ROSTER_OWNER_EMAIL');
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    logger.error({ reason: error.message }, 'could not create the owner from ROSTER_OWNER_EMAIL/ROSTER_OWNER_PASSWORD');
  }
}
