import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Vitest global setup: under CI (`CI=true`) the real-database and Redis tests must run, not skip. They are the only
 * tests that exercise real concurrency (row locks, advisory locks, two connections at once), so a CI run without
 * PostgreSQL or Redis fails here, saying which, instead of passing with those tests skipped. Outside CI they skip
 * with a title that says why (tests/support/database.ts).
 */
export default async function requireServicesUnderCi(): Promise<void> {
  if (process.env.CI !== 'true') return;
  const { TEST_DATABASE_URL: databaseUrl, TEST_REDIS_URL: redisUrl } = process.env;
  if (!databaseUrl) throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostgreSQL tests would be skipped. .ci/run sets it when PostgreSQL answers.');
  if (!redisUrl) throw new Error('CI=true but TEST_REDIS_URL is not set: the Redis store test would be skipped. .ci/run sets it when Redis answers.');

  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`CI=true but PostgreSQL at TEST_DATABASE_URL does not answer: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }

  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 10_000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`CI=true but Redis at TEST_REDIS_URL does not answer: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
