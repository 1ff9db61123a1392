import { count, eq } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestPasswordResetAction } from '../../app/forgot-password/actions';
import { signInAction, verifySecondFactorAction } from '../../app/sign-in/actions';
import { createUserAction } from '../../app/(console)/users/actions';
import { idleState } from '@/actions/action-state';
import { requireConsoleUser } from '@/actions/require-console-user';
import { getAuth } from '@/auth';
import { getDatabase } from '@/db';
import { sessions, users } from '@/db/schema';
import { formData, redirectTarget } from '../support/actions';
import { Client } from '../support/auth-http';
import { truncateAll } from '../support/database';
import { requestHeaders } from '../support/next-headers';
import { insertUser, TEST_PASSWORD } from '../support/principals';
import { fromClient } from '../support/client-ip';

vi.mock('next/cache', () => ({ refresh: vi.fn(), updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn(), unstable_cache: (fn: unknown) => fn }));
vi.mock('next/headers', async () => (await import('../support/next-headers')).nextHeadersMock);

const BASE = 'http://localhost:3000';
const PERIOD_MS = 30_000;
const T0 = Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS;
const db = async () => (await getDatabase()).db;
const sessionCount = async (userId: string) => (await (await db()).select({ n: count() }).from(sessions).where(eq(sessions.userId, userId)))[0]!.n;

beforeEach(async () => {
  await truncateAll(await db());
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

/** An admin with two-factor on (enrolled through Better Auth at step 0); returns their authenticator. */
async function enrolledAdmin() {
  const user = await insertUser(await db(), 'admin', { password: true });
  const client = new Client(await getAuth());
  await client.post('/sign-in/email', { email: user.email, password: TEST_PASSWORD });
  const { totpURI } = (await (await client.post('/two-factor/enable', { password: TEST_PASSWORD })).json()) as { totpURI: string };
  const totp = OTPAuth.URI.parse(totpURI) as OTPAuth.TOTP;
  expect((await client.post('/two-factor/verify-totp', { code: totp.generate({ timestamp: T0 }) })).status).toBe(200);
  await (await db()).delete(sessions).where(eq(sessions.userId, user.id));
  return { user, totp };
}

describe('two-factor sign-in through the console forms', () => {
  it('the password step sets only a challenge; the code step signs in and goes on to next', async () => {
    const { user, totp } = await enrolledAdmin();
    requestHeaders.set({ origin: BASE });
    const challenge = await redirectTarget(() => signInAction(idleState, formData({ email: user.email, password: TEST_PASSWORD, next: '/webhooks' })));
    expect(challenge).toBe('/sign-in/two-factor?next=%2Fwebhooks');
    expect(await sessionCount(user.id)).toBe(0);

    // The challenge cookie as a browser holds it. (Better Auth sets cookies in actions through its own import of
    // next/headers, which Vitest can't intercept; the e2e tests cover that hop in a real browser.)
    const browser = new Client(await getAuth());
    await browser.post('/sign-in/email', { email: user.email, password: TEST_PASSWORD });
    expect(browser.has('roster.two_factor')).toBe(true);
    vi.setSystemTime(T0 + PERIOD_MS);
    requestHeaders.set({ origin: BASE, cookie: browser.cookie });
    expect(await verifySecondFactorAction(idleState, formData({ code: totp.generate({ timestamp: T0 - 5 * PERIOD_MS }), next: '/webhooks' }))).toEqual({
      status: 'error',
      message: 'Please fix the highlighted fields.',
      fieldErrors: { code: 'That code is not right. Codes work once; wait for the next one.' },
      values: { next: '/webhooks' },
    });
    expect(await verifySecondFactorAction(idleState, formData({ code: '' }))).toMatchObject({ fieldErrors: { code: 'Enter the code' } });
    const target = await redirectTarget(() => verifySecondFactorAction(idleState, formData({ code: totp.generate({ timestamp: T0 + PERIOD_MS }), next: '/webhooks' })));
    expect(target).toBe('/webhooks');
    expect(await sessionCount(user.id)).toBe(1);
  });

  it('without the challenge cookie, no code signs anyone in', async () => {
    const { user, totp } = await enrolledAdmin();
    requestHeaders.set({ origin: BASE });
    expect(await verifySecondFactorAction(idleState, formData({ code: totp.generate({ timestamp: T0 + PERIOD_MS }) }))).toMatchObject({
      status: 'error',
      message: 'This sign-in has expired or had too many wrong codes. Sign in again.',
    });
    expect(await sessionCount(user.id)).toBe(0);
  });
});

describe('ROSTER_REQUIRE_2FA_FOR=admin', () => {
  async function consoleAs(role: 'admin' | 'viewer', twoFactor: boolean) {
    const user = await insertUser(await db(), role, { password: true });
    const response = await (await getAuth()).api.signInEmail({ body: { email: user.email, password: TEST_PASSWORD }, asResponse: true });
    requestHeaders.set({ origin: BASE, cookie: response.headers.get('set-cookie')!.split(';')[0]! });
    // As if enrolled after signing in (a sign-in would otherwise ask for a code).
    if (twoFactor) await (await db()).update(users).set({ twoFactorEnabled: true }).where(eq(users.id, user.id));
    return user;
  }

  it('sends an admin without two-factor to their Account page, and refuses their actions', async () => {
    vi.stubEnv('ROSTER_REQUIRE_2FA_FOR', 'admin');
    await consoleAs('admin', false);
    expect(await redirectTarget(() => requireConsoleUser('/users'))).toBe('/account?two-factor=required');
    await expect(requireConsoleUser('/account')).resolves.toMatchObject({ role: 'admin' });
    expect(await createUserAction(idleState, formData({ email: 'new@example.com', name: 'New', role: 'member', status: 'active' }))).toMatchObject({
      status: 'error',
      message: 'Not allowed: Set up two-factor sign-in on your Account page (/account) first: it is required for admins and owners.',
    });
    expect(await (await db()).select().from(users).where(eq(users.email, 'new@example.com'))).toEqual([]);
  });

  it('lets enrolled admins and viewers through; unset, nobody is held back', async () => {
    vi.stubEnv('ROSTER_REQUIRE_2FA_FOR', 'admin');
    await consoleAs('admin', true);
    await expect(requireConsoleUser('/users')).resolves.toMatchObject({ role: 'admin' });
    await consoleAs('viewer', false);
    await expect(requireConsoleUser('/users')).resolves.toMatchObject({ role: 'viewer' });
    vi.stubEnv('ROSTER_REQUIRE_2FA_FOR', '');
    await consoleAs('admin', false);
    await expect(requireConsoleUser('/users')).resolves.toMatchObject({ role: 'admin' });
  });
});

describe('"Forgot password?"', () => {
  it('answers the same for an account and for no account, echoing only the address typed', async () => {
    const user = await insertUser(await db(), 'member', { password: true });
    requestHeaders.set({ origin: BASE, ...fromClient('203.0.113.50') });
    const known = await requestPasswordResetAction(idleState, formData({ email: user.email }));
    const unknown = await requestPasswordResetAction(idleState, formData({ email: 'nobody@example.com' }));
    expect({ ...known, values: undefined }).toEqual({ ...unknown, values: undefined });
    expect(known).toEqual({
      status: 'success',
      message: 'If an account uses that address, we sent it a link to choose a new password. The link works once, for 30 minutes.',
      values: { email: user.email },
    });
    expect(await requestPasswordResetAction(idleState, formData({ email: 'not an address' }))).toMatchObject({ status: 'error', fieldErrors: { form: 'Enter a valid email address' } });
  });
});
