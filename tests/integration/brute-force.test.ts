import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordFailedAttempt } from '@/auth/brute-force';
import { TooManyRequests } from '@/core/errors';
import { getDatabase } from '@/db';
import { users } from '@/db/schema';
import * as authRoute from '../../app/api/auth/[...all]/route';
import { truncateAll } from '../support/database';
import { insertUser, TEST_PASSWORD } from '../support/principals';
import { fromClient } from '../support/client-ip';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

// The sign-in defence over HTTP, as an attacker and the account's owner meet it: failures per account and IP,
// per IP across accounts, and a per-account backstop that delays instead of locking. Defaults unless a test says.
const BASE = 'http://localhost:3000';
const db = async () => (await getDatabase()).db;
let ipSequence = 0;
const freshIp = () => `198.18.${(++ipSequence >> 8) & 255}.${ipSequence & 255}`;

function signIn(email: string, password: string, ip: string): Promise<Response> {
  return authRoute.POST(
    new Request(`${BASE}/api/auth/sign-in/email`, {
      method: 'POST',
      body: JSON.stringify({ email, password }),
      headers: { 'content-type': 'application/json', origin: BASE, ...fromClient(ip) },
    }),
  );
}

/** A signed-in browser at `ip`: its session cookie. */
async function sessionAt(email: string, ip: string): Promise<string> {
  const response = await signIn(email, TEST_PASSWORD, ip);
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

function postWithSession(path: string, body: unknown, ip: string, cookie: string): Promise<Response> {
  return authRoute.POST(
    new Request(`${BASE}/api/auth${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', origin: BASE, cookie, ...fromClient(ip) },
    }),
  );
}

async function answer(response: Response) {
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

const refusedFor = (seconds: number) => ({
  status: 429,
  retryAfter: String(seconds),
  body: { code: 'RATE_LIMITED', message: `Too many failed sign-in attempts. Try again in ${seconds} seconds.` },
});

beforeEach(async () => {
  await truncateAll(await db());
  // vitest.config.ts lifts the per-IP limits for the rest of the suite; here the defaults hold.
  vi.stubEnv('ROSTER_AUTH_FAILURES_PER_IP', '');
  vi.stubEnv('ROSTER_AUTH_RATE_LIMIT_IP', '');
});
afterEach(() => vi.unstubAllEnvs());

describe('failures per account and IP', () => {
  it('10 failures in a row block that pair for 15 minutes, even for the right password; the owner elsewhere signs in', async () => {
    const owner = await insertUser(await db(), 'owner', { password: true });
    const attacker = freshIp();
    for (let i = 0; i < 10; i++) expect((await signIn(owner.email, `guess-${i}-wrong`, attacker)).status).toBe(401);

    expect(await answer(await signIn(owner.email, 'guess-10-wrong', attacker))).toEqual(refusedFor(900));
    expect((await signIn(owner.email, TEST_PASSWORD, attacker)).status).toBe(429);
    expect((await signIn(owner.email, TEST_PASSWORD, freshIp())).status).toBe(200);
  });

  it('a success resets the pair: failures are counted in a row, not in total', async () => {
    const admin = await insertUser(await db(), 'admin', { password: true });
    const laptop = freshIp();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 9; i++) expect((await signIn(admin.email, 'a typo, again', laptop)).status).toBe(401);
      expect((await signIn(admin.email, TEST_PASSWORD, laptop)).status).toBe(200);
    }
  });

  it('answers identically for an existing and an unknown account: nothing tells them apart', async () => {
    const member = await insertUser(await db(), 'member', { password: true });
    const ip = freshIp();
    const answers = [];
    for (const email of [member.email, 'nobody-here@example.com']) {
      for (let i = 0; i < 10; i++) expect((await signIn(email, 'wrong-password', ip)).status).toBe(401);
      answers.push(await answer(await signIn(email, 'wrong-password', ip)));
    }
    expect(answers[0]).toEqual(refusedFor(900));
    expect(answers[1]).toEqual(answers[0]);
  });

  it('counts atomically: 40 parallel guesses from one address get exactly 10 tries', async () => {
    const owner = await insertUser(await db(), 'owner', { password: true });
    const ip = freshIp();
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(owner.email, `parallel-guess-${i}`, ip).then((r) => r.status)));
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30);
  });
});

describe('failures per IP across accounts', () => {
  it('throttles an address that fails on many accounts; other addresses are unaffected', async () => {
    vi.stubEnv('ROSTER_AUTH_FAILURES_PER_IP', '5/3600');
    const stuffer = freshIp();
    for (let i = 0; i < 5; i++) expect((await signIn(`victim${i}@example.com`, 'leaked-password', stuffer)).status).toBe(401);

    expect(await answer(await signIn('victim5@example.com', 'leaked-password', stuffer))).toEqual(refusedFor(3600));
    const member = await insertUser(await db(), 'member', { password: true });
    expect((await signIn(member.email, TEST_PASSWORD, freshIp())).status).toBe(200);
  });
});

describe('the per-account backstop', () => {
  it('past it, attempts from new addresses wait a growing delay instead of a lock; a known device never waits', async () => {
    vi.stubEnv('ROSTER_AUTH_FAILURES_PER_ACCOUNT', '3/86400');
    const owner = await insertUser(await db(), 'owner', { password: true });
    const ownersLaptop = freshIp();
    expect((await signIn(owner.email, TEST_PASSWORD, ownersLaptop)).status).toBe(200);

    // A botnet: every guess from another address, so no pair ever reaches its limit.
    for (let i = 0; i < 3; i++) expect((await signIn(owner.email, `distributed-${i}`, freshIp())).status).toBe(401);
    expect((await signIn(owner.email, 'distributed-3', freshIp())).status).toBe(401); // 1 over: one try a second
    expect((await signIn(owner.email, 'distributed-4', freshIp())).status).toBe(401); // 2 over: one try per 2 s
    const delayed = await answer(await signIn(owner.email, 'distributed-5', freshIp()));
    expect(delayed.status).toBe(429);
    expect(Number(delayed.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(delayed.retryAfter)).toBeLessThanOrEqual(2);

    // The owner's own laptop is not made to wait…
    expect((await signIn(owner.email, TEST_PASSWORD, ownersLaptop)).status).toBe(200);
    // …and a new device only waits the delay: retrying after Retry-After gets through.
    const newPhone = freshIp();
    let response = await signIn(owner.email, TEST_PASSWORD, newPhone);
    for (let tries = 0; response.status === 429 && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after')) * 1000));
      response = await signIn(owner.email, TEST_PASSWORD, newPhone);
    }
    expect(response.status).toBe(200);
  });
});

describe('every other password check: the signed-in user’s own password, per account and IP like sign-in', () => {
  // Each body with the password to check; the right one is TEST_PASSWORD.
  const checks: [string, (password: string) => Record<string, unknown>][] = [
    ['/two-factor/enable', (password) => ({ password })],
    ['/two-factor/disable', (password) => ({ password })],
    ['/two-factor/get-totp-uri', (password) => ({ password })],
    ['/two-factor/generate-backup-codes', (password) => ({ password })],
    ['/change-password', (password) => ({ currentPassword: password, newPassword: 'a new password, long enough' })],
  ];

  it.each(checks)('%s: after 10 wrong passwords from one address even the right one is refused; the owner elsewhere is not', async (path, body) => {
    const owner = await insertUser(await db(), 'admin', { password: true });
    const [thief, ownersLaptop] = [freshIp(), freshIp()];
    // A session left open where someone else can use it, and the owner's own.
    const borrowed = await sessionAt(owner.email, thief);
    const own = await sessionAt(owner.email, ownersLaptop);
    // Second factor started (and marked on) so that every endpoint here gets as far as checking the password.
    expect((await postWithSession('/two-factor/enable', { password: TEST_PASSWORD }, ownersLaptop, own)).status).toBe(200);
    await (await db()).update(users).set({ twoFactorEnabled: true }).where(eq(users.id, owner.id));

    for (let i = 0; i < 10; i++) expect((await postWithSession(path, body(`wrong-guess-${i}`), thief, borrowed)).status).toBe(400);
    expect(await answer(await postWithSession(path, body(TEST_PASSWORD), thief, borrowed))).toEqual(refusedFor(900));
    expect((await postWithSession(path, body(TEST_PASSWORD), ownersLaptop, own)).status).toBe(200);
  });

  it('Better Auth’s bare password check (/verify-password) is not served at all', async () => {
    const member = await insertUser(await db(), 'member', { password: true });
    const ip = freshIp();
    expect((await postWithSession('/verify-password', { password: TEST_PASSWORD }, ip, await sessionAt(member.email, ip))).status).toBe(404);
  });
});

describe('recordFailedAttempt, for other secrets (a second factor)', () => {
  it('counts against the same pair as password failures, and refuses once the pair is spent', async () => {
    const member = await insertUser(await db(), 'member', { password: true });
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await signIn(member.email, 'wrong-password', ip)).status).toBe(401);
    for (let i = 0; i < 5; i++) await recordFailedAttempt({ account: member.email, ip });

    await expect(recordFailedAttempt({ account: member.email.toUpperCase(), ip })).rejects.toEqual(new TooManyRequests(900, 'Too many failed sign-in attempts.'));
    expect((await signIn(member.email, TEST_PASSWORD, ip)).status).toBe(429);
  });
});
