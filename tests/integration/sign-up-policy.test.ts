import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getAuth } from '@/auth';
import { signUpPolicy } from '@/auth/config';
import { parseSignUpPolicy } from '@/core/accounts';
import { getDatabase } from '@/db';
import { users } from '@/db/schema';
import * as authRoute from '../../app/api/auth/[...all]/route';
import SignInPage from '../../app/sign-in/page';
import { fromClient } from '../support/client-ip';
import { truncateAll } from '../support/database';
import type { Problem } from '../support/problem';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));
vi.mock('next/headers', async () => (await import('../support/next-headers')).nextHeadersMock);

// ROSTER_SIGN_UP against Better Auth's real sign-up endpoint, through the catch-all Route Handler as apps call it.
const BASE = 'http://localhost:3000';
const db = async () => (await getDatabase()).db;
let client = 0;

const signUp = (email: string) =>
  authRoute.POST(
    new Request(`${BASE}/api/auth/sign-up/email`, {
      method: 'POST',
      body: JSON.stringify({ email, password: 'a-long-enough-password', name: 'Someone' }),
      // A client IP per request: the per-IP limit on auth endpoints is not what these tests are about.
      headers: { 'content-type': 'application/json', origin: BASE, ...fromClient(`198.51.100.${++client % 250}`) },
    }),
  );

const emails = async () => (await (await db()).select({ email: users.email }).from(users)).map((row) => row.email).sort();

async function expectRefused(response: Response, detail: RegExp) {
  expect(response.status).toBe(403);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Problem;
  expect(problem).toMatchObject({ type: 'urn:roster:problem:sign-up-closed', title: 'Sign-up closed', status: 403, instance: '/api/auth/sign-up/email' });
  expect(problem.detail).toMatch(detail);
}

beforeEach(async () => truncateAll(await db()));
afterEach(() => vi.unstubAllEnvs());

describe('ROSTER_SIGN_UP', () => {
  it('open (unset, the default): anyone signs up', async () => {
    vi.stubEnv('ROSTER_SIGN_UP', undefined);
    expect((await signUp('anyone@example.net')).status).toBe(200);
    vi.stubEnv('ROSTER_SIGN_UP', 'open');
    expect((await signUp('someone@example.org')).status).toBe(200);
    expect(await emails()).toEqual(['anyone@example.net', 'someone@example.org']);
  });

  it('invite-only: every sign-up is refused with a problem+json that says to ask for an invitation, and creates nobody', async () => {
    vi.stubEnv('ROSTER_SIGN_UP', 'invite-only');
    await expectRefused(await signUp('anyone@example.com'), /by invitation only/);
    expect(await emails()).toEqual([]);
  });

  it('domains: listed domains in any case sign up; other domains, subdomains and look-alikes are refused', async () => {
    vi.stubEnv('ROSTER_SIGN_UP', 'domains:Example.com, example.org');
    expect((await signUp('ada@example.com')).status).toBe(200);
    expect((await signUp('Grace@EXAMPLE.ORG')).status).toBe(200);
    for (const email of ['eve@mail.example.com', 'eve@example.com.evil.test', 'eve@notexample.com', 'eve@example.net']) {
      await expectRefused(await signUp(email), /example\.com, example\.org only/);
    }
    expect(await emails()).toEqual(['ada@example.com', 'grace@example.org']);
  });

  it('a subdomain signs up when it is listed itself', async () => {
    vi.stubEnv('ROSTER_SIGN_UP', 'domains:mail.example.com');
    expect((await signUp('ada@mail.example.com')).status).toBe(200);
    await expectRefused(await signUp('ada@example.com'), /mail\.example\.com only/);
  });

  it('covers every account Better Auth creates (a first single sign-on too), as its own error code', async () => {
    vi.stubEnv('ROSTER_SIGN_UP', 'invite-only');
    const { internalAdapter } = await (await getAuth()).$context;
    const created = internalAdapter.createUser({ email: 'sso@example.com', name: 'From the provider', emailVerified: true }, { method: 'oauth', oauth: { providerId: 'oidc' } });
    await expect(created).rejects.toMatchObject({ statusCode: 403, body: { code: 'SIGN_UP_CLOSED' } });
    expect(await emails()).toEqual([]);
  });
});

describe('the sign-in page (signed out)', () => {
  const rendered = async (error?: string) => renderToStaticMarkup(await SignInPage({ searchParams: Promise.resolve(error ? { error } : {}) }));

  it('says nothing about sign-up when it is open', async () => {
    const page = await rendered();
    expect(page).toContain('Sign in to Roster');
    expect(page).not.toMatch(/sign up|invitation/i);
  });

  it('says who may sign up when it is invite-only or limited to domains', async () => {
    vi.stubEnv('ROSTER_SIGN_UP', 'invite-only');
    expect(await rendered()).toContain('New accounts are by invitation only: ask an administrator to invite you.');
    vi.stubEnv('ROSTER_SIGN_UP', 'domains:example.com,example.org');
    expect(await rendered()).toContain('Only addresses at example.com, example.org may sign up; anyone else needs an invitation from an administrator.');
  });

  it('explains a first single sign-on that sign-up refused', async () => {
    vi.stubEnv('ROSTER_SIGN_UP', 'invite-only');
    vi.stubEnv('ROSTER_OIDC_ISSUER', 'https://idp.example');
    vi.stubEnv('ROSTER_OIDC_CLIENT_ID', 'roster');
    vi.stubEnv('ROSTER_OIDC_CLIENT_SECRET', 'secret');
    vi.stubEnv('ROSTER_OIDC_NAME', 'Acme SSO');
    expect(await rendered('SIGN_UP_CLOSED')).toContain('There is no Roster account for your Acme SSO address, and it can&#x27;t sign up: ask an administrator for an invitation.');
  });
});

describe('parsing ROSTER_SIGN_UP', () => {
  it('accepts the three forms and normalizes domains', () => {
    expect(parseSignUpPolicy(undefined)).toEqual({ mode: 'open' });
    expect(parseSignUpPolicy(' open ')).toEqual({ mode: 'open' });
    expect(parseSignUpPolicy('invite-only')).toEqual({ mode: 'invite-only' });
    expect(parseSignUpPolicy('domains: Example.COM ,example.org,example.com')).toEqual({ mode: 'domains', domains: ['example.com', 'example.org'] });
  });

  it.each([
    ['closed', /must be open, invite-only or domains:/],
    ['Invite-Only', /must be open, invite-only or domains:/],
    ['domains:', /not a domain name: ""/],
    ['domains:example.com,,example.org', /not a domain name: ""/],
    ['domains:*.example.com', /not a domain name: "\*\.example\.com"/],
    ['domains:@example.com', /not a domain name/],
    ['domains:localhost', /not a domain name: "localhost"/],
  ])('refuses %j with a clear message', (value, message) => {
    expect(() => parseSignUpPolicy(value)).toThrow(message);
  });

  it('a bad value fails where the server reads it at start', () => {
    vi.stubEnv('ROSTER_SIGN_UP', 'everyone');
    expect(() => signUpPolicy()).toThrow(/ROSTER_SIGN_UP must be open, invite-only or domains:/);
  });
});
