import 'server-only';
import { DrizzleQueryError } from 'drizzle-orm';

/**
 * An error as the console shows it (a webhook's or an email's last error). A failed query is reported by its
 * database error: Drizzle's wrapper says only "Failed query: <sql> params: <values>", which hides the reason and
 * copies user data.
 */
export function describeError(error: unknown): string {
  const reported = error instanceof DrizzleQueryError && error.cause ? error.cause : error;
  return (reported instanceof Error ? reported.message : String(reported)).slice(0, 1000);
}
