import { and, eq } from 'drizzle-orm';
import { verifyPassword } from 'better-auth/crypto';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { upgradeImportedHash } from '@/core/accounts/password-hashes';
import { getDatabase } from '@/db';
import { accounts, auditEvents, users } from '@/db/schema';
import * as authRoute from '../../app/api/auth/[...all]/route';
import { truncateAll } from '../support/database';
import { fromClient } from '../support/client-ip';
import made from '../fixtures/password-hashes/hashes.json';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

// Users brought in with the hash their old system kept sign in with their old password through the real sign-in
// endpoint; that sign-in replaces the hash with Roster's own. Fixtures: tests/fixtures/password-hashes/make.mjs.
const BASE = 'http://localhost:3000';
const db = async () => (await getDatabase()).db;

const signIn = (email: string, password: string, ip = '203.0.113.9') =>
  authRoute.POST(
    new Request(`${BASE}/api/auth/sign-in/email`, {
      method: 'POST',
      body: JSON.stringify({ email, password }),
      headers: { 'content-type': 'application/json', origin: BASE, ...fromClient(ip) },
    }),
  );

async function userWithHash(email: string, hash: string) {
  const id = uuidv7();
  await (await db()).insert(users).values({ id, email, name: email });
  await (await db()).insert(accounts).values({ id: uuidv7(), userId: id, accountId: id, providerId: 'credential', password: hash });
  return id;
}

const rehashEvents = async () =>
  (await db()).select({ actor: auditEvents.actor, subjectId: auditEvents.subjectId, data: auditEvents.data }).from(auditEvents).where(eq(auditEvents.action, 'user.password-rehashed'));

const storedHash = async (userId: string) =>
  (await (await db()).select({ password: accounts.password }).from(accounts).where(and(eq(accounts.userId, userId), eq(accounts.providerId, 'credential'))))[0]!
    .password!;

beforeEach(async () => {
  await truncateAll(await db());
  for (const [name, value] of Object.entries(made.firebase)) vi.stubEnv(name, value);
});
afterEach(() => vi.unstubAllEnvs());

describe.each(made.fixtures)('a user imported with a $format hash ($madeBy)', ({ password, hash }) => {
  it('signs in with the original password, after which the hash is Roster’s own', async () => {
    const id = await userWithHash('kept@example.com', hash);

    const response = await signIn('kept@example.com', password);

    expect(response.status).toBe(200);
    const replaced = await storedHash(id);
    expect(replaced).not.toBe(hash);
    expect(replaced.startsWith('$') || replaced.startsWith('pbkdf2_')).toBe(false);
    expect(await verifyPassword({ hash: replaced, password })).toBe(true);
    expect((await signIn('kept@example.com', password)).status).toBe(200);
  });

  it('refuses a wrong password and keeps the hash as it was', async () => {
    const id = await userWithHash('kept@example.com', hash);

    expect((await signIn('kept@example.com', `${password}!`)).status).toBe(401);
    expect(await storedHash(id)).toBe(hash);
  });
});

describe('re-hashing', () => {
  it('two sign-ins at once both succeed and leave one Roster hash (compare-and-swap on the old one)', async () => {
    const bcrypt = made.fixtures.find((fixture) => fixture.format === 'bcrypt $2b$')!;
    const id = await userWithHash('race@example.com', bcrypt.hash);

    const responses = await Promise.all([signIn('race@example.com', bcrypt.password, '203.0.113.10'), signIn('race@example.com', bcrypt.password, '203.0.113.11')]);

    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    const replaced = await storedHash(id);
    expect(replaced).not.toBe(bcrypt.hash);
    expect(await verifyPassword({ hash: replaced, password: bcrypt.password })).toBe(true);
    const events = await rehashEvents();
    expect(events).toEqual([{ actor: `user:${id}`, subjectId: id, data: expect.objectContaining({ previousScheme: 'bcrypt', user: expect.objectContaining({ id }) }) }]);
    expect(JSON.stringify(events)).not.toContain(bcrypt.hash);
    expect(JSON.stringify(events)).not.toContain(replaced);
  });

  it('swaps only while the old hash is still there: the later of two racing upgrades changes nothing', async () => {
    const id = await userWithHash('cas@example.com', '$2b$old');

    expect(await upgradeImportedHash(await db(), '$2b$old', 'first')).toBe(true);
    expect(await upgradeImportedHash(await db(), '$2b$old', 'second')).toBe(false);
    expect(await storedHash(id)).toBe('first');
    expect(await rehashEvents()).toHaveLength(1);
  });

  it('refuses a Firebase hash when the project parameters aren’t configured', async () => {
    vi.stubEnv('ROSTER_FIREBASE_SCRYPT_SIGNER_KEY', '');
    const firebase = made.fixtures.find((fixture) => fixture.format === 'firebase-scrypt')!;
    const id = await userWithHash('fb@example.com', firebase.hash);

    expect((await signIn('fb@example.com', firebase.password)).status).toBe(401);
    expect(await storedHash(id)).toBe(firebase.hash);
  });
});
