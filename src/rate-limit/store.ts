import 'server-only';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';
import { getDatabase } from '@/db';
import type { DatabaseHandle } from '@/db/client';
import { rateLimitsTable } from '@/db/schema';
import { logger } from '@/lib/logger';

/**
 * Where counters live. Memory on the embedded database (one process is all it allows); PostgreSQL, in the
 * `rate_limits` table, when DATABASE_URL is set, so every instance counts against the same budget; Redis when
 * ROSTER_REDIS_URL is set.
 */
export type RateLimitStore = { kind: 'memory' } | { kind: 'postgres'; pool: Pool } | { kind: 'redis'; client: Redis };

export interface LimiterOptions {
  /** Distinguishes limiters sharing a store. */
  keyPrefix: string;
  points: number;
  /** Window, in seconds. */
  duration: number;
  /** Once spent, refuse for this many seconds (default: until the window ends). */
  blockDuration?: number;
}

/**
 * A limiter on `store`. A shared store that fails (down, unreachable) falls back to an in-memory limiter with
 * the same budget, so requests are still limited, per instance, and never refused because counting failed.
 */
function createLimiter(store: RateLimitStore, options: LimiterOptions): RateLimiterAbstract {
  if (store.kind === 'memory') return new RateLimiterMemory(options);
  const insuranceLimiter = new RateLimiterMemory(options);
  if (store.kind === 'redis') return new RateLimiterRedis({ ...options, storeClient: store.client, insuranceLimiter, rejectIfRedisNotReady: true });
  return new RateLimiterPostgres({
    ...options,
    storeClient: store.pool,
    storeType: 'pool',
    tableName: rateLimitsTable,
    tableCreated: true, // by a migration
    insuranceLimiter,
  });
}

const limiters = new WeakMap<RateLimitStore, Map<string, RateLimiterAbstract>>();

/**
 * The limiter for `options` on `store`, made once. Callers read their settings per call, so a changed setting
 * (tests do that) gets a limiter of its own.
 */
export function limiterOn(store: RateLimitStore, options: LimiterOptions): RateLimiterAbstract {
  const key = `${options.keyPrefix}:${options.points}/${options.duration}/${options.blockDuration ?? 0}`;
  let byKey = limiters.get(store);
  if (!byKey) limiters.set(store, (byKey = new Map()));
  let limiter = byKey.get(key);
  if (!limiter) byKey.set(key, (limiter = createLimiter(store, { ...options, keyPrefix: key })));
  return limiter;
}

/** Whole seconds until a refused caller may try again (Retry-After), at least 1. */
export const secondsUntilRetry = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

const globalForStore = globalThis as unknown as { rosterRateLimitStore?: { owner: unknown; store: RateLimitStore } };

/**
 * The process's store, chosen by configuration: ROSTER_REDIS_URL, else PostgreSQL with DATABASE_URL, else memory.
 * A PostgreSQL store follows the process-wide database: reopened, it counts through the new pool.
 */
export async function rateLimitStore(): Promise<RateLimitStore> {
  // Empty is unset: ioredis would take '' for its default, a Redis on localhost.
  const redisUrl = process.env.ROSTER_REDIS_URL || undefined;
  const owner = redisUrl ?? (await getDatabase());
  if (globalForStore.rosterRateLimitStore?.owner !== owner) {
    globalForStore.rosterRateLimitStore = { owner, store: typeof owner === 'string' ? redisStore(owner) : databaseStore(owner) };
  }
  return globalForStore.rosterRateLimitStore.store;
}

function redisStore(url: string): RateLimitStore {
  // No offline queue: while Redis is away, commands fail at once and the insurance limiter counts instead.
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  client.on('error', (error: unknown) => logger.warn({ err: error }, 'rate-limit store (Redis) unavailable; counting in memory'));
  return { kind: 'redis', client };
}

function databaseStore({ db, driver }: DatabaseHandle): RateLimitStore {
  if (driver === 'pglite') return { kind: 'memory' };
  return { kind: 'postgres', pool: (db as unknown as { $client: Pool }).$client };
}
