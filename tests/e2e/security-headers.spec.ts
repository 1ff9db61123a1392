import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, type APIResponse, type Page } from '@playwright/test';
import { consoleAccount, submitSignIn } from './accounts';
import { expectHydrated, watchPolicyViolations } from './csp';
import { statusMessage, test, uniqueUser } from './support';

// Issue 26.17, with JavaScript on: every console page runs its scripts under its Content-Security-Policy (a nonce
// per response) without a single violation, a client action still works, another site can't frame the console,
// and every kind of response carries the headers. (With JavaScript off: security-headers-no-js.spec.ts.)

const inertPolicy = "default-src 'none'; frame-ancestors 'none'";

/** The nonce of a page's policy. */
function nonceOf(response: APIResponse): string {
  const nonce = response.headers()['content-security-policy']?.match(/script-src [^;]*'nonce-([^']+)'/)?.[1];
  expect(nonce, `${response.url()} has a script nonce`).toBeTruthy();
  return nonce!;
}

/** The headers every response carries, whatever it is (HSTS only under https: not here). */
function expectFixedHeaders(response: APIResponse): void {
  const headers = response.headers();
  expect(headers['x-content-type-options'], response.url()).toBe('nosniff');
  expect(headers['referrer-policy'], response.url()).toBe('same-origin');
  expect(headers['x-frame-options'], response.url()).toBe('DENY');
  expect(headers['content-security-policy'], response.url()).toMatch(/frame-ancestors 'none'/);
  expect(headers['strict-transport-security'], response.url()).toBeUndefined();
}

async function visit(page: Page, path: string): Promise<void> {
  const response = await page.goto(path);
  expect(response?.ok(), `${path} answers`).toBe(true);
  await expectHydrated(page);
}

test('the console pages run their scripts under the policy, without a violation', async ({ page, request, javaScriptEnabled }) => {
  const violations = await watchPolicyViolations(page, javaScriptEnabled);
  const user = uniqueUser('csp');
  const created = await request.post('/api/v1/users', { data: { email: user.email, name: user.name, role: 'member' } });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const organization = await request.post('/api/v1/organizations', { data: { name: `Org ${user.token}`, slug: user.token, ownerId: id } });
  expect(organization.status(), await organization.text()).toBe(201);
  const { id: orgId } = (await organization.json()) as { id: string };

  await visit(page, '/users');
  // The live view's stream (connect-src) and its React effect are running.
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  const pages = [`/users/${id}`, '/users/new', '/account', '/audit', '/integrations', '/api-keys', '/webhooks', '/email', '/invitations'];
  for (const path of [...pages, '/organizations', `/organizations/${orgId}`, `/organizations/${orgId}/delete`]) {
    await visit(page, path);
  }
  expect(violations).toEqual([]);
});

test('the page that says there is no page works under the policy too', async ({ page, javaScriptEnabled }) => {
  const violations = await watchPolicyViolations(page, javaScriptEnabled);
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expectHydrated(page);
  expect(violations).toEqual([]);
});

test('a client action works under the policy: delete from the user page, confirmed in a dialog', async ({ page, request, javaScriptEnabled }) => {
  const violations = await watchPolicyViolations(page, javaScriptEnabled);
  const user = uniqueUser('cspdelete');
  const created = await request.post('/api/v1/users', { data: { email: user.email, name: user.name, role: 'member' } });
  const { id } = (await created.json()) as { id: string };
  await visit(page, `/users/${id}`);
  await page.getByRole('button', { name: 'Delete user' }).click();
  // With JavaScript the button asks in a dialog and calls the action; without, it would open /users/<id>/delete.
  await page.getByRole('dialog').getByRole('button', { name: 'Delete user' }).click();
  await expect(page).toHaveURL('/users?deleted=1');
  await expect(statusMessage(page, 'User deleted.')).toBeVisible();
  expect(violations).toEqual([]);
});

test('the API docs render under their own policy', async ({ page, javaScriptEnabled }) => {
  const violations = await watchPolicyViolations(page, javaScriptEnabled);
  await page.goto('/api/docs');
  await expect(page.getByRole('heading', { name: 'Roster API' }).first()).toBeVisible();
  await expect(page.getByText('Create a user').first()).toBeVisible();
  // Scalar's bundled zod probes whether eval works (`try { new Function('') } catch`) and does without it when
  // refused: that refusal is the policy at work, not a part of the page failing. Nothing else may be refused.
  expect(violations.filter((violation) => !violation.endsWith('/api/docs: script-src refused eval'))).toEqual([]);
});

test('every kind of response carries the headers: a page, an API answer, a static asset, errors', async ({ page, request }) => {
  const consolePage = await page.request.get('/users');
  expect(consolePage.status()).toBe(200);
  expectFixedHeaders(consolePage);
  // Next put this response's nonce on every script it rendered, and no other.
  const nonce = nonceOf(consolePage);
  const html = await consolePage.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
  expect(nonceOf(await page.request.get('/users'))).not.toBe(nonce);

  const api = await request.get('/api/v1/users?limit=1');
  expect(api.status()).toBe(200);
  expectFixedHeaders(api);
  expect(api.headers()['content-security-policy']).toBe(inertPolicy);

  const assetPath = html.match(/\/_next\/static\/[^"]+\.(?:js|css)/)?.[0];
  expect(assetPath, 'the page loads an asset').toBeDefined();
  const asset = await page.request.get(assetPath!);
  expect(asset.status()).toBe(200);
  expectFixedHeaders(asset);
  expect(asset.headers()['content-security-policy']).toBe(inertPolicy);

  const missingPage = await page.request.get('/no-such-page');
  expect(missingPage.status()).toBe(404);
  expectFixedHeaders(missingPage);
  nonceOf(missingPage);

  const missingRoute = await request.get('/api/v1/no-such-route');
  expect(missingRoute.status()).toBe(404);
  expectFixedHeaders(missingRoute);
  expect(missingRoute.headers()['content-security-policy']).toBe(inertPolicy);

  const docs = await page.request.get('/api/docs');
  expectFixedHeaders(docs);
  expect(docs.headers()['content-security-policy']).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
});

test('another site cannot frame the console', async ({ page, baseURL }) => {
  // Another origin on this machine (a public one would be stopped by Chromium's private network rules first).
  const elsewhere = http.createServer((_request, response) => {
    response.setHeader('Content-Type', 'text/html');
    response.end(`<iframe src="${baseURL}/users" title="framed"></iframe>`);
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  const refusals: string[] = [];
  page.on('console', (message) => {
    if (/frame-ancestors/.test(message.text())) refusals.push(message.text());
  });
  try {
    await page.goto(`http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`);
    await expect.poll(() => refusals.length, { message: 'Chromium refuses to show the console in the frame' }).toBeGreaterThan(0);
    await expect(page.frameLocator('iframe').getByRole('heading', { name: 'Users' })).toHaveCount(0);
  } finally {
    elsewhere.close();
  }
});

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('the public pages run their scripts under the policy, without a violation', async ({ page, javaScriptEnabled }) => {
    const violations = await watchPolicyViolations(page, javaScriptEnabled);
    for (const path of ['/sign-in', '/sign-in/two-factor', '/forgot-password', '/reset-password/not-a-token', '/invite/not-a-token', '/verify-email/not-a-token', '/confirm-email/not-a-token']) {
      await visit(page, path);
    }
    expect(violations).toEqual([]);
  });

  test('an image the server draws (the two-factor QR code, a data: URL) shows under the policy', async ({ page, browser, playwright, baseURL, javaScriptEnabled }) => {
    // Signed up from a client of its own: neither the owner's bearer token nor this page's cookies.
    const signUp = await playwright.request.newContext({ baseURL });
    const admin = await consoleAccount(browser, signUp, baseURL!, 'admin', 'cspqr');
    await signUp.dispose();
    const violations = await watchPolicyViolations(page, javaScriptEnabled);
    await page.goto('/sign-in');
    await submitSignIn(page, admin.email, admin.password);
    await expect(page).toHaveURL(/\/dashboard$/);
    await visit(page, '/account');
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const qrCode = page.getByRole('img', { name: 'QR code for your authenticator app' });
    await expect(qrCode).toBeVisible();
    await expect.poll(() => qrCode.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(true);
    expect(violations).toEqual([]);
  });
});
