import { randomBytes } from 'node:crypto';
import { Faker, base, de, en, es, fr } from '@faker-js/faker';
import { v7 as uuidv7 } from 'uuid';
import { recordEvent } from '@/core/events';
import type { Principal } from '@/core/principal';
import type { Database } from './client';
import { users, type UserRow } from './schema';
import { unnestInsert } from './unnest-insert';

type Weighted<T> = readonly (readonly [T, number])[];

/**
 * Rows per INSERT. Each batch binds one array per column (9 parameters), not one parameter per value, so the
 * 65535-parameter limit does not apply; the bound is the statement's size in memory (~150 bytes a row).
 */
export const MAX_SEED_BATCH_SIZE = 50_000;
/** Fastest measured on PGlite and PostgreSQL; bigger batches gain nothing. */
export const DEFAULT_SEED_BATCH_SIZE = 5_000;
const TWO_YEARS_MS = 730 * 24 * 60 * 60 * 1000;
/**
 * created_at of user i (of n) is taken from the slot [f(i/n), f((i+1)/n)) of the time span, f(p) = p^0.6:
 * signups grow over time, like a real product's. f' >= 0.6, so every slot is wider than one millisecond
 * when n <= 0.6 * span (ms), which keeps the timestamps distinct.
 */
const GROWTH_EXPONENT = 0.6;

export const seedPrincipal: Principal = { kind: 'system', door: 'cli', name: 'seed' };

const roleMix: Weighted<UserRow['role']> = [
  ['member', 0.85],
  ['viewer', 0.095],
  ['admin', 0.05],
  ['owner', 0.005],
];
const statusMix: Weighted<UserRow['status']> = [
  ['active', 0.94],
  ['suspended', 0.06],
];
// Mostly English names, some German, French and Spanish ones (diacritics included, as in real data).
const localeMix: Weighted<number> = [
  [0, 0.7],
  [1, 0.1],
  [2, 0.1],
  [3, 0.1],
];
/** Reserved example domains (RFC 2606), here and for companies (*.example): a seeded address never reaches a mailbox. */
const sharedDomains = ['example.com', 'example.org', 'example.net'];

export interface SeedUsersOptions {
  /** Rows per INSERT statement; at most MAX_SEED_BATCH_SIZE. */
  batchSize?: number;
  /** Makes names, roles, statuses and timestamps reproducible (emails still differ per run by runToken). */
  seed?: number;
  /** Goes into every email so that seeding one database twice never collides; random by default. */
  runToken?: string;
  /** created_at values are spread over [now - spanMs, now). */
  now?: Date;
  spanMs?: number;
  /** Called after every batch with the number of users inserted so far. */
  onProgress?: (inserted: number, total: number) => void;
}

export interface SeedUsersResult {
  count: number;
  runToken: string;
}

/**
 * Inserts `count` realistic fake users in multi-row batches, all in one transaction together with one
 * `users.seeded` audit event: a seed is all or nothing, and the audit trail never claims users that are not there.
 */
export async function seedUsers(db: Database, count: number, options: SeedUsersOptions = {}): Promise<SeedUsersResult> {
  const batchSize = options.batchSize ?? DEFAULT_SEED_BATCH_SIZE;
  const spanMs = options.spanMs ?? TWO_YEARS_MS;
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_SEED_BATCH_SIZE) {
    throw new RangeError(`batchSize must be an integer from 1 to ${MAX_SEED_BATCH_SIZE}, got ${batchSize}`);
  }
  if (!(spanMs * GROWTH_EXPONENT >= count)) {
    throw new RangeError(`Cannot give ${count} users distinct millisecond timestamps within ${spanMs} ms`);
  }

  const runToken = options.runToken ?? randomBytes(4).readUInt32BE(0).toString(36).padStart(7, '0');
  if (!/^[a-z0-9]+$/.test(runToken)) throw new RangeError('runToken must be lowercase letters and digits');
  const generator = new UserGenerator(count, runToken, options.now ?? new Date(), spanMs, options.seed);

  await db.transaction(async (tx) => {
    for (let start = 0; start < count; start += batchSize) {
      const end = Math.min(start + batchSize, count);
      const rows: UserRow[] = new Array(end - start);
      for (let i = start; i < end; i++) rows[i - start] = generator.user(i);
      // UserGenerator.user() returns a full UserRow, so a new column fails to type-check there until the seed fills it.
      await tx.execute(unnestInsert(users, rows));
      options.onProgress?.(end, count);
    }
    await recordEvent(tx, seedPrincipal, {
      type: 'users.seeded',
      subject: null,
      changes: { count: { before: null, after: count } },
    });
  });
  return { count, runToken };
}

class UserGenerator {
  private readonly fakers: Faker[];
  private readonly random: Faker;
  private readonly start: number;
  private readonly companyDomains: string[];

  constructor(
    private readonly count: number,
    private readonly runToken: string,
    now: Date,
    private readonly spanMs: number,
    seed?: number,
  ) {
    this.fakers = [en, de, fr, es].map((locale, index) => {
      const faker = new Faker({ locale: [locale, en, base] });
      faker.seed(seed === undefined ? undefined : seed + index);
      return faker;
    });
    this.random = this.fakers[0]!;
    this.start = now.getTime() - spanMs;
    this.companyDomains = Array.from({ length: 200 }, () => `${companySlug(this.random.company.name())}.example`);
  }

  /** User i of the run, i in [0, count): older users first, so ids (UUIDv7) and created_at ascend together. */
  user(i: number): UserRow {
    const faker = this.fakers[this.pick(localeMix)]!;
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const createdAt = this.createdAt(i);
    return {
      id: uuidv7({ msecs: createdAt }),
      email: `${this.localPart(firstName, lastName)}${i + 1}+${this.runToken}@${this.domain()}`,
      name: `${firstName} ${lastName}`,
      role: this.pick(roleMix),
      status: this.pick(statusMix),
      plan: 'free',
      stripeCustomerId: null,
      subscriptionStatus: null,
      version: 1,
      emailVerified: false,
      image: null,
      twoFactorEnabled: false,
      externalId: null,
      metadata: {},
      theme: null,
      suspensionReason: null,
      suspendedUntil: null,
      // Derived from i, not drawn, so the rest of a seeded run stays as it was: a third never signed in, the rest
      // were last active somewhere between sign-up and now.
      lastActiveAt: i % 3 === 0 ? null : new Date(createdAt + ((i * 7919) % 1000) / 1000 * (this.start + this.spanMs - createdAt)),
      createdAt: new Date(createdAt),
      // Version 1 means never edited, so the row was last updated when it was created.
      updatedAt: new Date(createdAt),
    };
  }

  private createdAt(i: number): number {
    const slot = (k: number) => Math.floor(this.spanMs * Math.pow(k / this.count, GROWTH_EXPONENT));
    const from = slot(i);
    return this.start + from + Math.floor(this.random.number.float() * (slot(i + 1) - from));
  }

  /**
   * Letters only, so the appended index (and so the whole address) is unique within the run; the run token
   * makes it unique across runs. Lowercase, since uniqueness is enforced on lower(email).
   */
  private localPart(firstName: string, lastName: string): string {
    const first = asciiLetters(firstName) || 'user';
    const last = asciiLetters(lastName) || 'user';
    const style = this.random.number.float();
    if (style < 0.5) return `${first}.${last}`;
    if (style < 0.75) return `${first[0]}${last}`;
    if (style < 0.9) return `${first}_${last}`;
    return first;
  }

  private domain(): string {
    return this.random.number.float() < 0.4
      ? this.random.helpers.arrayElement(sharedDomains)
      : this.random.helpers.arrayElement(this.companyDomains);
  }

  private pick<T>(mix: Weighted<T>): T {
    let roll = this.random.number.float();
    for (const [value, weight] of mix) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return mix[mix.length - 1]![0];
  }
}

/** "Schinner, Langosh and Romaguera" → "schinner-langosh". */
function companySlug(company: string): string {
  const words = company.split(/[\s,-]+/).map(asciiLetters).filter((word) => word && word !== 'and');
  return words.slice(0, 2).join('-') || 'company';
}

function asciiLetters(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}
