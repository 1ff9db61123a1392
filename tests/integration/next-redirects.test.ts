import { NextRequest } from 'next/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { signInAction, signInWithOidcAction } from '../../app/sign-in/actions';
import SignInPage from '../../app/sign-in/page';
import { proxy } from '../../proxy';
import { idleState } from '@/actions/action-state';
import { oidcSignInUrl } from '@/actions/oidc-sign-in';
import { requireConsoleUser } from '@/actions/require-console-user';
import { getDatabase } from '@/db';
import { formData, redirectTarget } from '../support/actions';
import { fromClient } from '../support/client-ip';
import { truncateAll } from '../support/database';
import { consoleCookieStore, consoleRequestHeaders, insertUser, setConsoleCookie, signInConsoleAs, TEST_PASSWORD } from '../support/principals';

// Every place that redirects to where a request asked to go (`next`, a page's own path) sends the browser to
// Roster's own pages only, whatever the request says: the redirect sinks of issue 26.1, each through safeNextPath.

vi.mock('next/cache', () => ({ refresh: vi.fn(), updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn(), unstable_cache: (fn: unknown) => fn }));
// Each call from another client address: sign-ins are rate-limited per IP.
let clientNumber = 0;
vi.mock('next/headers', () => ({
  headers: async () => {
    const headers = consoleRequestHeaders();
    for (const [name, value] of Object.entries(fromClient(`10.26.${(++clientNumber >> 8) & 255}.${clientNumber & 255}`))) headers.set(name, value);
    return headers;
  },
  cookies: async () => consoleCookieStore(),
}));
// The provider's address, as Better Auth would build it from the callback it is given.
vi.mock('@/actions/oidc-sign-in', () => ({
  oidcSignInUrl: vi.fn(async (_oidc: unknown, callbackURL: string) => `https://idp.example/authorize?callback=${encodeURIComponent(callbackURL)}`),
}));

const db = async () => (await getDatabase()).db;

/** `next` values that lead off the site, as sent or once a browser (or a later decode) has resolved them. */
const offSite = [
  '/.//evil.example',
  '/a/..//evil.example',
  '/%2e//evil.example',
  '/users/%2e%2e/%2e%2e//evil.example',
  '/%2f%2fevil.example',
  '//evil.example/users',
  '/\\evil.example',
  '/\t/evil.example',
  '//user@evil.example',
  'https://evil.example/users',
];

beforeEach(async () => {
  await truncateAll(await db());
  setConsoleCookie(null);
  vi.unstubAllEnvs();
});

describe('the sign-in page, signed in', () => {
  const openWith = (next: string) => redirectTarget(() => SignInPage({ searchParams: Promise.resolve({ next }) }));

  it.each(offSite)('goes to the overview for next=%j', async (next) => {
    await signInConsoleAs('admin');
    expect(await openWith(next)).toBe('/dashboard');
  });

  it('goes on to a same-site next, query and all', async () => {
    await signInConsoleAs('admin');
    expect(await openWith('/users?search=a%2Fb')).toBe('/users?search=a%2Fb');
    expect(await openWith('/users/../webhooks')).toBe('/webhooks');
  });
});

describe('signing in with email and password', () => {
  it.each(offSite)('lands on the overview for next=%j', async (next) => {
    const admin = await insertUser(await db(), 'admin', { password: true });
    expect(await redirectTarget(() => signInAction(idleState, formData({ email: admin.email, password: TEST_PASSWORD, next })))).toBe('/dashboard');
  });
});

describe('signing in with the OpenID provider', () => {
  it.each(offSite)('asks Better Auth to come back to the overview for next=%j', async (next) => {
    vi.stubEnv('ROSTER_OIDC_ISSUER', 'https://idp.example');
    vi.stubEnv('ROSTER_OIDC_CLIENT_ID', 'roster');
    vi.stubEnv('ROSTER_OIDC_CLIENT_SECRET', 'secret');
    vi.mocked(oidcSignInUrl).mockClear();
    await redirectTarget(() => signInWithOidcAction(idleState, formData({ next })));
    expect(vi.mocked(oidcSignInUrl).mock.calls.map(([, callbackURL]) => callbackURL)).toEqual(['/dashboard']);
  });
});

describe('a console page, signed out', () => {
  it('asks for sign-in without a next that would leave the site', async () => {
    // `/users/[id]` with id `..%2F..%2F%2Fevil.example`, which Next decodes before the page sees it.
    expect(await redirectTarget(() => requireConsoleUser('/users/../..//evil.example'))).toBe('/sign-in');
    expect(await redirectTarget(() => requireConsoleUser('/users/x'))).toBe('/sign-in?next=%2Fusers%2Fx');
  });
});

describe('proxy.ts, signed out', () => {
  // (A path ending in an extension, such as `/.//evil.example`, is never redirected at all: see proxy.ts.)
  it.each(['/.//evil.example/users', '/%2e%2e//evil.example/users', '/%2F%2Fevil/users', '/users/%5C%5Cevil'])(
    'sends %s to /sign-in on this origin, with no next that would leave it',
    async (path) => {
      const response = await proxy(new NextRequest(`http://roster.test${path}`));
      expect(response.status).toBe(307);
      expect(response.headers.get('location')).toBe('http://roster.test/sign-in');
    },
  );

  it('keeps a same-site next', async () => {
    const response = await proxy(new NextRequest('http://roster.test/users?search=a%2Fb'));
    expect(response.headers.get('location')).toBe(`http://roster.test/sign-in?next=${encodeURIComponent('/users?search=a%2Fb')}`);
  });
});
