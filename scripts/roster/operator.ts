// What the operator commands share: the database from the environment, Roster's CLI principal, and domain
// errors turned into plain messages.
import { DomainError, ValidationFailed } from '@/core/errors';
import type { CoreContext } from '@/core/principal';
import { databaseConfigFromEnv, openDatabase } from '@/db/client';
import { CliError, describeDatabase } from '../cli';

/**
 * Runs `work` as the operator (`system:cli`, door `cli`) on the configured database. On the embedded database
 * this fails plainly while a server holds it (one process at a time); on PostgreSQL it runs beside servers.
 */
export async function asOperator<T>(work: (ctx: CoreContext) => Promise<T>): Promise<T> {
  const config = databaseConfigFromEnv();
  const handle = await openDatabase(config);
  console.error(`Using ${describeDatabase(config)}.`);
  try {
    return await work({ db: handle.db, principal: { kind: 'system', door: 'cli', name: 'cli' } });
  } catch (error) {
    if (error instanceof ValidationFailed) {
      throw new CliError(error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('\n'));
    }
    if (error instanceof DomainError) throw new CliError(error.message);
    throw error;
  } finally {
    await handle.close();
  }
}
