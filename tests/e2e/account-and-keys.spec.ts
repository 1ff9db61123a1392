import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { consoleAccount, ownerInSecondBrowser, submitSignIn } from './accounts';
import { ownerEmail } from './owner';
import { confirmAction, holdPosts, statusMessage, uniqueUser } from './support';

// Project `js`: the API keys page and the account page, signed in as the owner (the stored session).

/** The row of the API keys table for the key with this name. */
const keyRow = (page: Page, name: string) => page.getByRole('row').filter({ hasText: name });

/** GET /api/v1/users with the key as a bearer, from a client with no cookies at all (like curl). */
async function listUsersWith(api: APIRequestContext, secret: string): Promise<number> {
  return (await api.get('/api/v1/users?limit=1', { headers: { authorization: `Bearer ${secret}` } })).status();
}

test('creates an API key, shows its secret once, and revoking it locks the key out of the API', async ({ page, playwright, baseURL }) => {
  const name = `e2e key ${uniqueUser('key').token}`;
  const api = await playwright.request.newContext({ baseURL });
  try {
    await page.goto('/api-keys');
    await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
    await page.getByLabel('Name').fill(name);
    await page.getByRole('checkbox', { name: /users:read/ }).check();
    await page.getByRole('checkbox', { name: /users:write/ }).check();
    const release = await holdPosts(page, '**/api-keys');
    await page.getByRole('button', { name: 'Create API key' }).click();
    await expect(page.getByRole('button', { name: 'Creating…' })).toBeDisabled();
    release();

    const secretField = page.getByLabel('Secret', { exact: true });
    await expect(secretField).toBeVisible();
    await expect(secretField).toHaveAttribute('readonly', '');
    await expect(statusMessage(page, "Copy this secret now: it won't be shown again.")).toBeVisible();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^rst_[\w-]{40,}$/);
    expect(page.url()).not.toContain(secret);

    // The list shows a prefix to recognise the key by, never the secret.
    const row = keyRow(page, name);
    await expect(row).toContainText(`${secret.slice(0, 10)}…`);
    await expect(row).not.toContainText(secret);
    await expect(row).toContainText('users:read');
    await expect(row).toContainText('users:write');
    await expect(row).toContainText('active');
    // The create form is ready for the next key.
    await expect(page.getByLabel('Name')).toHaveValue('');

    expect(await listUsersWith(api, secret)).toBe(200);
    await page.reload();
    await expect(keyRow(page, name)).toContainText(/Never|\d{4}-\d{2}-\d{2}/);
    // Shown once: a reload doesn't bring the secret back.
    await expect(page.getByLabel('Secret', { exact: true })).toHaveCount(0);
    await expect(page.getByText(secret)).toHaveCount(0);

    // Cancelling the confirmation (a dialog of the page's own, never the browser's confirm()) changes nothing.
    await keyRow(page, name).getByRole('button', { name: /^Revoke/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm' });
    await expect(dialog).toContainText(`Revoke the API key “${name}”?`);
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(keyRow(page, name)).toContainText('active');
    expect(await listUsersWith(api, secret)).toBe(200);

    expect(await confirmAction(page, keyRow(page, name), /^Revoke/, { javaScript: true })).toContain(name);
    await expect(statusMessage(page, `Revoked “${name}”.`)).toBeVisible();
    await expect(keyRow(page, name)).toContainText('revoked');
    await expect(keyRow(page, name).getByRole('button', { name: /^Revoke/ })).toHaveCount(0);
    expect(await listUsersWith(api, secret)).toBe(401);
  } finally {
    await api.dispose();
  }
});

test('the Copy button puts the secret on the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/api-keys');
  await page.getByLabel('Name').fill(`e2e copy ${uniqueUser('copy').token}`);
  await page.getByRole('button', { name: 'Create API key' }).click();
  const secret = await page.getByLabel('Secret', { exact: true }).inputValue();

  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
});

test('a viewer is told API keys are not for them', async ({ browser, request, baseURL }) => {
  const viewer = await consoleAccount(browser, request, baseURL!, 'viewer', 'keysviewer');
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    const page = await context.newPage();
    await page.goto('/sign-in?next=%2Fapi-keys');
    await submitSignIn(page, viewer.email, viewer.password);
    await expect(page).toHaveURL(/\/api-keys$/);
    // (Not just any alert: Next's route announcer is one too.)
    await expect(page.getByRole('main').getByRole('alert')).toContainText('Not allowed: only admins and owners can see and manage API keys.');
    await expect(page.getByRole('button', { name: 'Create API key' })).toHaveCount(0);
    await expect(page.getByRole('table')).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test('lists your sessions and revokes another one: that browser is signed out on its next page load', async ({ page, browser }) => {
  const userAgent = `RosterE2E-SecondBrowser/${uniqueUser('ua').token}`;
  const { context: second, page: other } = await ownerInSecondBrowser(browser, userAgent);
  try {

    await page.goto('/account');
    await expect(page.getByRole('heading', { level: 1, name: 'Account' })).toBeVisible();
    await expect(page.getByRole('main')).toContainText(ownerEmail);
    await expect(page.getByRole('main')).toContainText('owner');
    // This browser's session is marked and can't be revoked from the list.
    const current = page.getByRole('row').filter({ hasText: 'This device' });
    await expect(current).toHaveCount(1);
    await expect(current.getByRole('button', { name: /^Revoke/ })).toHaveCount(0);

    const row = page.getByRole('row').filter({ hasText: userAgent });
    await expect(row).toHaveCount(1);
    await row.getByRole('button', { name: /^Revoke/ }).click();
    await expect(statusMessage(page, 'Session revoked: that device is signed out.')).toBeVisible();
    await expect(row).toHaveCount(0);
    await expect(current).toHaveCount(1);

    await other.goto('/users');
    await expect(other).toHaveURL(/\/sign-in(\?|$)/);
    // The first browser is still signed in.
    await page.goto('/account');
    await expect(page.getByRole('heading', { level: 1, name: 'Account' })).toBeVisible();
  } finally {
    await second.close();
  }
});

test('changing the password signs out every other session and keeps this one', async ({ browser, request, baseURL }) => {
  // An account of its own: changing the owner's password would sign out the session every other test uses.
  const admin = await consoleAccount(browser, request, baseURL!, 'admin', 'passwd');
  const newPassword = 'a brand new passphrase';
  const [here, elsewhere] = [await browser.newContext({ storageState: { cookies: [], origins: [] } }), await browser.newContext({ storageState: { cookies: [], origins: [] } })];
  try {
    const page = await here.newPage();
    const other = await elsewhere.newPage();
    for (const tab of [page, other]) {
      await tab.goto('/sign-in');
      await submitSignIn(tab, admin.email, admin.password);
      await expect(tab).toHaveURL(/\/dashboard$/);
    }

    await page.goto('/account');
    await page.getByLabel('Current password').fill('not the password');
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByLabel('Current password')).toHaveAccessibleDescription('The current password is incorrect');

    await page.getByLabel('Current password').fill(admin.password);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(statusMessage(page, 'Password changed. All your other sessions were signed out.')).toBeVisible();

    await other.goto('/users');
    await expect(other).toHaveURL(/\/sign-in(\?|$)/);
    // This browser got the replacement session's cookie and stays signed in.
    await page.goto('/account');
    await expect(page.getByRole('heading', { level: 1, name: 'Account' })).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: 'This device' })).toHaveCount(1);

    // Signed out on its way to /users: signing in again goes on there.
    await submitSignIn(other, admin.email, newPassword);
    await expect(other).toHaveURL(/\/users$/);
  } finally {
    await here.close();
    await elsewhere.close();
  }
});
