import { expect, test, type Browser, type CDPSession, type Page } from '@playwright/test';
import { rosterPort } from './origins';
import { startsOwnServer } from './own-server';
import { confirmAction } from './support';

// Passkeys in Chromium with a virtual authenticator (Chrome DevTools Protocol, WebAuthn domain). WebAuthn refuses IP
// addresses as relying-party ids, and the suite's server is http://127.0.0.1:…, so this file starts its own server
// (the same production build) whose ROSTER_BASE_URL is http://localhost:…: `localhost` is the RP id, and browsers
// treat http://localhost as a secure context (docs/passkeys.md).

const port = rosterPort + 10;
const origin = `http://localhost:${port}`;
const owner = { email: 'owner@passkeys-e2e.test', password: 'passkeys-e2e-owner-password' };

test.use({ storageState: { cookies: [], origins: [] } });

startsOwnServer(test, { port, baseUrl: origin, authSecret: 'passkeys-e2e-auth-secret-0123456789abcdef', owner });

/** A browser with a platform authenticator that holds discoverable credentials and verifies its user. */
async function browserWithAuthenticator(browser: Browser): Promise<{ page: Page; cdp: CDPSession; authenticatorId: string }> {
  const context = await browser.newContext({ baseURL: origin });
  const page = await context.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { page, cdp, authenticatorId };
}

async function signInWithPassword(page: Page) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

async function addPasskey(page: Page, name: string) {
  await page.goto('/account');
  await page.getByLabel('Passkey name').fill(name);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Passkey added.' })).toBeVisible();
}

async function signOut(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

const passkeyButton = (page: Page) => page.getByRole('button', { name: 'Sign in with a passkey' });

// Chromium's virtual authenticator answers the sign-in page's conditional (autofill) request at once, as a user
// picking the passkey from the email field's autofill would: signing out lands on /sign-in, which signs back in.
test('add a passkey, sign out, the email field’s autofill signs in with it; its assertion posted again is refused', async ({ browser }) => {
  const { page } = await browserWithAuthenticator(browser);
  // Keeps what the browser's WebAuthn call returned, as the page posted it, for the replay below.
  await page.addInitScript(() => {
    const get = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = async (options) => {
      const credential = (await get(options)) as PublicKeyCredential | null;
      (window as unknown as { lastAssertion?: unknown }).lastAssertion = credential?.toJSON();
      return credential;
    };
  });
  await signInWithPassword(page);
  await addPasskey(page, 'Virtual key');
  const row = page.getByRole('row').filter({ hasText: 'Virtual key' });
  await expect(row).toContainText('This device only');
  await expect(row).toContainText('Never');

  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  const assertion = await page.evaluate(() => (window as unknown as { lastAssertion?: unknown }).lastAssertion);
  expect(assertion).toMatchObject({ type: 'public-key', response: { authenticatorData: expect.any(String) } });
  await page.goto('/account');
  await expect(page.getByRole('row').filter({ hasText: 'Virtual key' })).not.toContainText('Never');

  // The same assertion again: its challenge was consumed; with a new challenge it doesn't match.
  const replay = await page.request.post('/api/auth/sign-in/passkey', { data: { response: assertion }, headers: { origin } });
  expect({ status: replay.status(), body: await replay.json() }).toMatchObject({ status: 400, body: { code: 'CHALLENGE_NOT_FOUND' } });
  expect((await page.request.post('/api/auth/sign-in/passkey/options', { data: {}, headers: { origin } })).status()).toBe(200);
  const withNewChallenge = await page.request.post('/api/auth/sign-in/passkey', { data: { response: assertion }, headers: { origin } });
  expect({ status: withNewChallenge.status(), body: await withNewChallenge.json() }).toMatchObject({ status: 401, body: { code: 'INVALID_PASSKEY' } });
});

test('a passkey without user verification is refused', async ({ browser }) => {
  const { page, cdp, authenticatorId } = await browserWithAuthenticator(browser);
  await signInWithPassword(page);
  await addPasskey(page, 'Unverified key');
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
  await signOut(page);

  await passkeyButton(page).click();
  await expect(page.getByRole('main').getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a deleted passkey is refused', async ({ browser }) => {
  const { page } = await browserWithAuthenticator(browser);
  await signInWithPassword(page);
  await addPasskey(page, 'Doomed key');
  await confirmAction(page, page.getByRole('row').filter({ hasText: 'Doomed key' }), /Delete/, { javaScript: true });
  // Its row, and the form that would say so, are gone.
  await expect(page.getByRole('row').filter({ hasText: 'Doomed key' })).toHaveCount(0);
  await signOut(page);

  // The autofill request (answered at once) is refused, and so is the button's.
  const alert = page.getByRole('main').getByRole('alert');
  await expect(alert).toHaveText('That passkey was not accepted. Try again, or sign in with your password.');
  await passkeyButton(page).click();
  await expect(alert).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
  // Still signed out: the console sends the browser to sign in (with or without `next`, depending on which check —
  // the proxy's or the page's — saw the missing session first).
  const response = await page.goto('/users');
  expect(response?.url()).toMatch(/\/sign-in(\?next=%2Fusers)?$/);
});

test('without JavaScript there is no passkey button, and the password form signs in as before', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: origin, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await expect(passkeyButton(page)).toHaveCount(0);
  await signInWithPassword(page);
  await page.goto('/account');
  await expect(page.getByText('Adding a passkey needs a browser with JavaScript and passkey support.')).toBeVisible();
  await context.close();
});
