import { count, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setupOwnerAction } from '../../app/setup/actions';
import { signInAction } from '../../app/sign-in/actions';
import { idleState } from '@/actions/action-state';
import { requireConsoleUser } from '@/actions/require-console-user';
import { signOutAction } from '@/actions/sign-out';
import { getDatabase } from '@/db';
import { auditEvents, sessions, users } from '@/db/schema';
import { formData, redirectTarget } from '../support/actions';
import { truncateAll } from '../support/database';
import { consoleCookieStore, consoleRequestHeaders, insertUser, setConsoleCookie, signInConsoleAs, TEST_PASSWORD } from '../support/principals';
import { fromClient } from '../support/client-ip';

vi.mock('next/cache', () => ({ refresh: vi.fn(), updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn(), unstable_cache: (fn: unknown) => fn }));
// Each call looks like a new client address (sign-ins are rate-limited per IP, and these tests sign in a lot),
// unless a test sets one address for its browser.
let clientNumber = 0;
let fixedClientIp: string | undefined;
vi.mock('next/headers', () => ({
  headers: async () => {
    const headers = consoleRequestHeaders();
    for (const [name, value] of Object.entries(fromClient(fixedClientIp ?? `10.9.${(++clientNumber >> 8) & 255}.${clientNumber & 255}`))) headers.set(name, value);
    return headers;
  },
  cookies: async () => consoleCookieStore(),
}));

const db = async () => (await getDatabase()).db;
const sessionCount = async (userId: string) => (await (await db()).select({ n: count() }).from(sessions).where(eq(sessions.userId, userId)))[0]!.n;

beforeEach(async () => {
  await truncateAll(await db());
  setConsoleCookie(null);
  fixedClientIp = undefined;
});

describe('signInAction', () => {
  it('signs in with email and password and goes to the overview', async () => {
    const admin = await insertUser(await db(), 'admin', { password: true });
    const target = await redirectTarget(() => signInAction(idleState, formData({ email: admin.email, password: TEST_PASSWORD })));
    expect(target).toBe('/dashboard');
    expect(await sessionCount(admin.id)).toBe(1);
  });

  it('goes on to a same-site next, and never off the site', async () => {
    const admin = await insertUser(await db(), 'admin', { password: true });
    const signInTo = (next: string) => redirectTarget(() => signInAction(idleState, formData({ email: admin.email, password: TEST_PASSWORD, next })));
    expect(await signInTo('/webhooks?x=1')).toBe('/webhooks?x=1');
    expect(await signInTo('//evil.example/users')).toBe('/dashboard');
    expect(await signInTo('https://evil.example/')).toBe('/dashboard');
  });

  it('says "Invalid email or password" alike for a wrong password and an unknown email, and never echoes the password', async () => {
    const admin = await insertUser(await db(), 'admin', { password: true });
    const wrongPassword = await signInAction(idleState, formData({ email: admin.email, password: 'not the password' }));
    const unknownEmail = await signInAction(idleState, formData({ email: 'nobody@example.com', password: 'not the password' }));

    expect(wrongPassword).toEqual({ status: 'error', message: 'Invalid email or password.', values: { email: admin.email } });
    expect(unknownEmail).toEqual({ status: 'error', message: 'Invalid email or password.', values: { email: 'nobody@example.com' } });
    expect(await sessionCount(admin.id)).toBe(0);
  });

  it('asks for both fields before trying, and for a valid email address', async () => {
    expect(await signInAction(idleState, formData({ email: '', password: '' }))).toMatchObject({
      status: 'error',
      fieldErrors: { email: 'Email is required', password: 'Password is required' },
    });
    expect(await signInAction(idleState, formData({ email: 'not-an-email', password: 'whatever it is' }))).toMatchObject({
      status: 'error',
      fieldErrors: { email: 'Enter a valid email address' },
    });
  });

  it('tells a suspended user so, without a session', async () => {
    const suspended = await insertUser(await db(), 'admin', { password: true, status: 'suspended' });
    const state = await signInAction(idleState, formData({ email: suspended.email, password: TEST_PASSWORD }));
    expect(state).toMatchObject({ status: 'error', message: 'This account is suspended.' });
    expect(await sessionCount(suspended.id)).toBe(0);
  });

  it('says how long to wait once this browser has failed 10 times on the account; the owner elsewhere signs in', async () => {
    const admin = await insertUser(await db(), 'admin', { password: true });
    fixedClientIp = '10.99.0.1';
    const attempt = (password = 'not the password') => signInAction(idleState, formData({ email: admin.email, password }));
    for (let failed = 0; failed < 10; failed++) expect((await attempt()).message).toBe('Invalid email or password.');
    expect((await attempt()).message).toBe('Too many sign-in attempts. Try again in 900 seconds.');
    // Even the right password waits now, from this address…
    expect((await attempt(TEST_PASSWORD)).message).toBe('Too many sign-in attempts. Try again in 900 seconds.');
    expect(await sessionCount(admin.id)).toBe(0);
    // …but not from the owner's own device.
    fixedClientIp = '10.99.0.2';
    expect(await redirectTarget(() => attempt(TEST_PASSWORD))).toBe('/dashboard');
    expect(await sessionCount(admin.id)).toBe(1);
  });
});

describe('setupOwnerAction', () => {
  it('creates the first owner, signs them in and goes to the overview', async () => {
    const target = await redirectTarget(() =>
      setupOwnerAction(idleState, formData({ email: 'Founder@Example.com', name: 'Founder', password: 'a long enough password' })),
    );
    expect(target).toBe('/dashboard');
    const [owner] = await (await db()).select().from(users).where(eq(users.email, 'founder@example.com'));
    expect(owner).toMatchObject({ role: 'owner', status: 'active' });
    expect(await sessionCount(owner!.id)).toBe(1);
    const [event] = await (await db()).select().from(auditEvents).where(eq(auditEvents.subjectId, owner!.id));
    expect(event).toMatchObject({ action: 'user.created', actor: 'anonymous', door: 'console' });
  });

  it('shows field errors and keeps the input, but not the password', async () => {
    const state = await setupOwnerAction(idleState, formData({ email: 'nope', name: '', password: 'short' }));
    expect(state).toMatchObject({
      status: 'error',
      fieldErrors: { email: 'Enter a valid email address', name: 'Name is required', password: 'Password must be at least 10 characters' },
      values: { email: 'nope', name: '' },
    });
    expect(state.values).not.toHaveProperty('password');
    expect(await (await db()).select().from(users)).toEqual([]);
  });

  it('is closed once an owner exists: off to sign in, and nobody is created', async () => {
    await insertUser(await db(), 'owner');
    const target = await redirectTarget(() => setupOwnerAction(idleState, formData({ email: 'late@example.com', name: 'Late', password: 'a long enough password' })));
    expect(target).toBe('/sign-in');
    expect(await (await db()).select().from(users).where(eq(users.email, 'late@example.com'))).toEqual([]);
  });
});

describe('signOutAction', () => {
  it('ends the session and goes to the sign-in page', async () => {
    const admin = await signInConsoleAs('admin');
    expect(await sessionCount(admin.userId)).toBe(1);
    expect(await redirectTarget(() => signOutAction())).toBe('/sign-in');
    expect(await sessionCount(admin.userId)).toBe(0);
  });

  it('still goes to the sign-in page when nobody is signed in', async () => {
    expect(await redirectTarget(() => signOutAction())).toBe('/sign-in');
  });
});

describe('requireConsoleUser', () => {
  it('sends the signed-out to sign in, with where they were going', async () => {
    expect(await redirectTarget(() => requireConsoleUser('/users/new'))).toBe('/sign-in?next=%2Fusers%2Fnew');
    expect(await redirectTarget(() => requireConsoleUser())).toBe('/sign-in');
  });

  it('sends members to the not-allowed page', async () => {
    await signInConsoleAs('member');
    expect(await redirectTarget(() => requireConsoleUser('/users'))).toBe('/not-allowed');
  });

  it('returns viewers, admins and owners as principals', async () => {
    for (const role of ['viewer', 'admin', 'owner'] as const) {
      const user = await signInConsoleAs(role);
      expect(await requireConsoleUser('/users')).toEqual({ kind: 'user', door: 'console', userId: user.userId, role });
    }
  });
});
