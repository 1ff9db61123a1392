import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { encodeActionCall } from '../../bench/next-protocol';
import { escapedOrigin, idpOrigin } from './origins';
import { ownerEmail, ownerPassword } from './owner';

// Server Actions are public HTTP endpoints: anyone who reads an action id out of the page's JavaScript can POST
// to it. This takes every action id from the build's own manifest and calls it the way React does, with no
// session cookie, and with input that would do damage if it got through.

test.use({ storageState: { cookies: [], origins: [] } });

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename: string;
  exportedName: string;
}

const manifest = JSON.parse(readFileSync(path.join(process.cwd(), '.next/server/server-reference-manifest.json'), 'utf8')) as {
  node: Record<string, ManifestEntry>;
};

const victimId = '01a20d10-0000-7000-8000-000000000000';
const rawEmail = 'raw-post@e2e.test';

/** Fields for any of the console's forms: a signed-out caller tries to make an owner, a key, a deletion. */
const damagingFields: [string, string][] = [
  ['id', victimId],
  ['email', rawEmail],
  ['name', 'Raw POST'],
  ['role', 'owner'],
  ['status', 'active'],
  ['version', '1'],
  ['password', 'raw-post-password'],
  ['currentPassword', 'raw-post-password'],
  ['newPassword', 'raw-post-password-2'],
  ['confirmPassword', 'raw-post-password-2'],
  ['scopes', 'users:write'],
  // The organization forms: a signed-out caller tries to make one, join one as its owner, delete one.
  ['organizationId', victimId],
  ['userId', victimId],
  ['user', rawEmail],
  ['owner', rawEmail],
  ['slug', 'raw-post'],
];

/** A URL served by the page that hosts the action: route groups dropped, dynamic segments filled in. */
const pagePath = (worker: string) =>
  worker
    .replace(/^app/, '')
    .replace(/\/page$/, '')
    .replace(/\/\([^)]+\)/g, '')
    .replace(/\[[^\]]+\]/g, victimId) || '/';

/** Actions anyone may call, and what they must do for a signed-out caller with the input above. */
const publicActions: Record<string, RegExp> = {
  signInAction: /Invalid email or password/, // no such account: no session
  setupOwnerAction: /^\/sign-in/, // an owner exists: setup is closed and redirects (x-action-redirect)
  signOutAction: /^\/sign-in/, // nothing to end
  setThemeAction: /^1:"\$undefined"$/m, // no theme among the fields: nothing set; a real choice signed out is only a cookie
  signInWithOidcAction: new RegExp(`^${escapedOrigin(idpOrigin)}/`), // sends the browser to the identity provider, nothing more
  verifySecondFactorAction: /Enter the code|expired/, // no sign-in under way: no code can finish one
  passkeySignInOptionsAction: /"challenge"/, // a 5-minute challenge for a passkey sign-in, nothing more
  passkeySignInAction: /sent no passkey response/, // no assertion, no challenge: nobody is signed in
  requestPasswordResetAction: /If an account uses that address/, // the same answer for every address; no account, no mail
  // The emailed token is the credential: without a real one nothing is created, reset or confirmed.
  resetPasswordAction: /do not match|not valid/,
  acceptInvitationAction: /do not match|not valid/,
  acceptInvitationWithOidcAction: /invitation link is not valid/,
  confirmEmailVerificationAction: /link is not valid/,
  confirmEmailChangeAction: /link is not valid/,
};

// The production build these tests run is a normal one: the bench's floors (app/**/*.bench.ts(x), built only into
// .next-bench by `npm run bench`) are neither in its manifests nor served.
test('the production build has none of the benchmark-only actions, pages or routes', async ({ request }) => {
  expect(Object.values(manifest.node).filter((entry) => entry.filename.includes('.bench.'))).toEqual([]);
  const appPaths = JSON.parse(readFileSync(path.join(process.cwd(), '.next/server/app-paths-manifest.json'), 'utf8')) as Record<string, string>;
  expect(Object.keys(appPaths).filter((route) => route.includes('bench'))).toEqual([]);
  expect((await request.patch('/api/bench/noop', { data: {} })).status()).toBe(404);
  expect((await request.get('/api/bench/noop')).status()).toBe(404);
});

test('a raw POST to every server action id without a session is denied and changes nothing', async ({ request, baseURL }) => {
  const entries = Object.entries(manifest.node);
  expect(entries.length).toBeGreaterThan(5);

  for (const [id, entry] of entries) {
    const worker = Object.keys(entry.workers)[0]!;
    const { contentType, body } = await encodeActionCall(id, damagingFields, false);
    const response = await request.post(pagePath(worker), {
      headers: { 'Next-Action': id, 'Content-Type': contentType, Accept: 'text/x-component', Origin: baseURL! },
      data: body,
      maxRedirects: 0,
    });
    const text = await response.text();
    const redirect = response.headers()['x-action-redirect'] ?? '';
    const outcome = `${entry.exportedName} (${entry.filename}) answered ${response.status()} ${redirect} ${text.slice(0, 300)}`;

    expect(response.status(), outcome).toBeLessThan(500);
    const expected = publicActions[entry.exportedName];
    if (expected) {
      expect(expected.test(redirect) || expected.test(text), outcome).toBe(true);
    } else {
      expect(/Your session has ended\. Sign in again\./.test(text) || redirect.startsWith('/sign-in'), outcome).toBe(true);
    }
  }

  // Nothing was written: no user (and so no owner) with the raw POST's email, no new API key.
  const signIn = await request.post('/api/auth/sign-in/email', { data: { email: ownerEmail, password: ownerPassword }, headers: { Origin: baseURL! } });
  const token = signIn.headers()['set-auth-token'];
  expect(token).toBeTruthy();
  const found = await request.get(`/api/v1/users?search=${encodeURIComponent(rawEmail)}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(found.status()).toBe(200);
  expect((await found.json()).items).toEqual([]);
  const organizations = await request.get('/api/v1/organizations?q=raw-post', { headers: { Authorization: `Bearer ${token}` } });
  expect(organizations.status()).toBe(200);
  expect((await organizations.json()).items).toEqual([]);
  // The sign-in above left the owner's session cookie in this request context: the API keys page, as the owner.
  const keysPage = await request.get('/api-keys');
  expect(keysPage.status()).toBe(200);
  expect(await keysPage.text()).not.toContain('Raw POST');
});
