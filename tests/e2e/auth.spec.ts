import { expect, test } from '@playwright/test';
import { changeAsOwner, consoleAccount, formError, headerSignOut, signUpMember, submitSignIn, testPassword } from './accounts';
import { escapedOrigin, rosterOrigin } from './origins';
import { ownerEmail } from './owner';
import { userRow } from './support';

// Project `js`: signing in and out of the console, and what each kind of account may see there. Every test
// starts signed out (no stored owner session) and signs in as an account of its own.
test.use({ storageState: { cookies: [], origins: [] } });

test('signed out, console pages send the browser to sign in and back afterwards', async ({ page, browser, request, baseURL }) => {
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Roster' })).toBeVisible();
  // Signed out, the header shows nothing but the name.
  await expect(page.getByRole('banner')).not.toContainText('Sign out');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing events' })).toHaveCount(0);

  await page.goto('/webhooks');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fwebhooks$/);
  const admin = await consoleAccount(browser, request, baseURL!, 'admin');
  await submitSignIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/webhooks$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Billing events' })).toBeVisible();
});

test('a wrong password shows the error and keeps the email', async ({ page, browser, request, baseURL }) => {
  const admin = await consoleAccount(browser, request, baseURL!, 'admin', 'wrongpw');
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByLabel('Email')).toHaveAccessibleDescription('Email is required');
  await expect(page.getByLabel('Password')).toHaveAccessibleDescription('Password is required');

  await submitSignIn(page, admin.email, 'not the password');
  await expect(formError(page)).toHaveText('Invalid email or password.');
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'false');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByLabel('Email')).toHaveValue(admin.email);
  await expect(page.getByLabel('Password')).toHaveValue('');

  // An unknown email reads exactly the same: the form never tells which accounts exist.
  await page.goto('/sign-in');
  await submitSignIn(page, `nobody-${Date.now()}@example.com`, 'not the password');
  await expect(formError(page)).toHaveText('Invalid email or password.');
});

test('too many failures on one account from one address say how long to wait', async ({ page, request, baseURL }) => {
  const member = await signUpMember(request, baseURL!, 'limited');
  // Fail 10 times in a row from this address (ROSTER_AUTH_FAILURES_PER_ACCOUNT_IP, 10 per 15 minutes by default)
  // directly against Better Auth, until it refuses this account from this address.
  const statuses: number[] = [];
  while (statuses.at(-1) !== 429 && statuses.length < 12) {
    const response = await request.post('/api/auth/sign-in/email', { data: { email: member.email, password: 'wrong password!' }, headers: { origin: baseURL! } });
    statuses.push(response.status());
  }
  expect(statuses.at(-1)).toBe(429);
  expect(new Set(statuses.slice(0, -1))).toEqual(new Set([401]));
  await page.goto('/sign-in');
  await submitSignIn(page, member.email, member.password);
  await expect(formError(page)).toHaveText(/^Too many sign-in attempts\. Try again in \d+ seconds?\.$/);
});

test('signs in to the overview, then signs out', async ({ page, browser, request, baseURL }) => {
  const admin = await consoleAccount(browser, request, baseURL!, 'admin', 'signin');
  await page.goto('/sign-in');
  await submitSignIn(page, admin.email, admin.password);

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toContainText(admin.email);
  for (const link of ['Users', 'Billing events', 'Integrations', 'API keys', 'Account']) await expect(nav.getByRole('link', { name: link })).toBeVisible();
  // Outgoing webhooks are under Integrations; nothing in the navigation is called just "Webhooks".
  await expect(nav.getByRole('link', { name: 'Webhooks', exact: true })).toHaveCount(0);
  // Signed in, the sign-in page has nothing to offer.
  await page.goto('/sign-in');
  await expect(page).toHaveURL(/\/dashboard$/);

  await headerSignOut(page).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('banner')).not.toContainText(admin.email);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a stale session cookie is caught by the page, not just the proxy', async ({ page, baseURL }) => {
  // The proxy only checks that a cookie exists; the page checks the session behind it.
  await page.context().addCookies([{ name: 'roster.session_token', value: 'not-a-real-session', url: baseURL! }]);
  await page.goto('/users/new');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fusers%2Fnew$/);
});

test('next never leads off the site', async ({ page, browser, request, baseURL }) => {
  const admin = await consoleAccount(browser, request, baseURL!, 'admin', 'nextoff');
  await page.goto('/sign-in?next=//evil.example/users');
  await submitSignIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(new RegExp(`^${escapedOrigin(rosterOrigin)}/dashboard$`));
});

test('a member signing in sees that the console is not for them', async ({ page, request, baseURL }) => {
  const member = await signUpMember(request, baseURL!, 'member');
  await page.goto('/sign-in');
  await submitSignIn(page, member.email, member.password);

  await expect(page).toHaveURL(/\/not-allowed$/);
  await expect(page.getByRole('heading', { level: 1, name: "Your account can't use the admin console" })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toHaveCount(0);
  for (const path of ['/users', '/webhooks', `/users/${member.id}`]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/not-allowed$/);
  }

  await page.getByRole('main').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a viewer sees users but no controls that change them', async ({ page, browser, request, baseURL }) => {
  const viewer = await consoleAccount(browser, request, baseURL!, 'viewer');
  await page.goto('/sign-in');
  await submitSignIn(page, viewer.email, viewer.password);

  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/users');
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New user' })).toHaveCount(0);

  await page.goto(`/users/${viewer.id}`);
  await expect(page.getByRole('heading', { level: 1, name: viewer.name })).toBeVisible();
  await expect(page.getByLabel('Name')).toBeDisabled();
  await expect(page.getByLabel('Role', { exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete user' })).toHaveCount(0);

  await page.goto('/users/new');
  await expect(page.getByText("You don't have permission to create users.")).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create user' })).toHaveCount(0);
});

test('an admin may grant only roles below admin, and may not edit an owner', async ({ page, browser, request, baseURL }) => {
  const admin = await consoleAccount(browser, request, baseURL!, 'admin', 'grant');
  await page.goto('/sign-in');
  await submitSignIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.goto('/users/new');
  await expect(page.getByLabel('Role', { exact: true }).locator('option')).toHaveText(['member', 'viewer']);

  await page.goto(`/users?search=${encodeURIComponent(ownerEmail)}`);
  await userRow(page, ownerEmail).getByRole('link').click();
  await expect(page.getByLabel('Email')).toHaveValue(ownerEmail);
  await expect(page.getByLabel('Email')).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete user' })).toHaveCount(0);
});

test('a suspended account is told so, and /setup is closed once an owner exists', async ({ page, browser, request, baseURL }) => {
  const admin = await consoleAccount(browser, request, baseURL!, 'admin', 'suspended');
  await changeAsOwner(browser, admin, { status: 'suspended' });
  await page.goto('/sign-in');
  await submitSignIn(page, admin.email, testPassword);
  await expect(formError(page)).toHaveText('This account is suspended.');
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.goto('/setup');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('link', { name: 'Set up the first owner account' })).toHaveCount(0);
});

test('every page names the favicon, served signed out as SVG', async ({ page }) => {
  await page.goto('/sign-in');
  // Next may repeat the metadata in the head (streamed metadata); every copy names the same icon.
  const hrefs = await page.locator('head link[rel="icon"]').evaluateAll((links) => [...new Set(links.map((link) => link.getAttribute('href')))]);
  expect(hrefs).toHaveLength(1);
  const href = hrefs[0];
  expect(href).toMatch(/^\/icon\.svg/);
  const icon = await page.request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
  expect(await icon.text()).toContain('<svg');
});
