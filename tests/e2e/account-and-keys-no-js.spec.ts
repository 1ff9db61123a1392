import { expect, test, type Page } from '@playwright/test';
import { ownerInSecondBrowser } from './accounts';
import { statusMessage, uniqueUser } from './support';

// Project `no-js`: the API keys and account pages with JavaScript disabled: every button is a plain form post.

const keyRow = (page: Page, name: string) => page.getByRole('row').filter({ hasText: name });

/** Waits for the document navigation a form post is without JavaScript, and returns its path. */
function nextFormPost(page: Page): Promise<string> {
  return page
    .waitForRequest((request) => request.method() === 'POST' && request.isNavigationRequest())
    .then((request) => new URL(request.url()).pathname);
}

test('creates an API key and revokes it with plain form posts', async ({ page, playwright, baseURL }) => {
  const name = `e2e nojs key ${uniqueUser('nojskey').token}`;
  const api = await playwright.request.newContext({ baseURL });
  try {
    await page.goto('/api-keys');
    await page.getByLabel('Name').fill(name);
    await page.getByRole('checkbox', { name: /users:read/ }).uncheck();
    await page.getByRole('checkbox', { name: /users:write/ }).check();
    await page.getByLabel('Expires on (optional)').fill('2999-12-31');
    let post = nextFormPost(page);
    await page.getByRole('button', { name: 'Create API key' }).click();
    expect(await post).toBe('/api-keys');

    await expect(statusMessage(page, "Copy this secret now: it won't be shown again.")).toBeVisible();
    const secret = await page.getByLabel('Secret', { exact: true }).inputValue();
    expect(secret).toMatch(/^rst_[\w-]{40,}$/);
    expect(page.url()).not.toContain(secret);
    // Copying needs JavaScript; without it the read-only field is there to select.
    await expect(page.getByRole('button', { name: 'Copy', exact: true })).toHaveCount(0);
    const row = keyRow(page, name);
    await expect(row).toContainText('users:write');
    await expect(row).not.toContainText('users:read');
    await expect(row).toContainText('2999-12-31');
    await expect(row).toContainText('active');
    await expect(row).not.toContainText(secret);
    const authorized = { headers: { authorization: `Bearer ${secret}` } };
    expect((await api.get('/api/v1/users?limit=1', authorized)).status()).toBe(200);

    // Revoke asks first, in a step that needs no JavaScript: opening it posts nothing.
    await row.locator('summary').filter({ hasText: /^Revoke/ }).click();
    await expect(row.locator('details[open]')).toContainText(`Revoke the API key “${name}”?`);
    await expect(row).toContainText('active');
    post = nextFormPost(page);
    await row.locator('details[open]').getByRole('button', { name: /^Revoke/ }).click();
    expect(await post).toBe('/api-keys');
    await expect(statusMessage(page, `Revoked “${name}”.`)).toBeVisible();
    await expect(keyRow(page, name)).toContainText('revoked');
    await expect(keyRow(page, name).getByRole('button', { name: /^Revoke/ })).toHaveCount(0);
    // The secret was in the create post's response only.
    await expect(page.getByLabel('Secret', { exact: true })).toHaveCount(0);
    expect((await api.get('/api/v1/users?limit=1', authorized)).status()).toBe(401);
  } finally {
    await api.dispose();
  }
});

test('shows the create form’s field errors and keeps the input', async ({ page }) => {
  await page.goto('/api-keys');
  await page.getByLabel('Name').fill('');
  await page.getByRole('checkbox', { name: /users:read/ }).uncheck();
  await page.getByLabel('Expires on (optional)').fill('2001-01-01');
  await page.getByRole('button', { name: 'Create API key' }).click();

  await expect(page.getByRole('alert')).toHaveText('Please fix the highlighted fields.');
  await expect(page.getByLabel('Name')).toHaveAccessibleDescription('Name is required');
  await expect(page.getByRole('group', { name: 'Scopes' })).toHaveAccessibleDescription('Choose at least one scope');
  await expect(page.getByLabel('Expires on (optional)')).toHaveAccessibleDescription('Expiry must be in the future');
  await expect(page.getByLabel('Expires on (optional)')).toHaveValue('2001-01-01');
  await expect(page.getByRole('checkbox', { name: /users:read/ })).not.toBeChecked();
  await expect(page.getByLabel('Secret', { exact: true })).toHaveCount(0);
});

test('revokes another session and rejects a wrong current password without JavaScript', async ({ page, browser }) => {
  const userAgent = `RosterE2E-NoJsSecond/${uniqueUser('nojsua').token}`;
  const { context: second, page: other } = await ownerInSecondBrowser(browser, userAgent, false);
  try {

    await page.goto('/account');
    const row = page.getByRole('row').filter({ hasText: userAgent });
    const post = nextFormPost(page);
    await row.getByRole('button', { name: /^Revoke/ }).click();
    expect(await post).toBe('/account');
    await expect(statusMessage(page, 'Session revoked: that device is signed out.')).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: userAgent })).toHaveCount(0);
    await other.goto('/users');
    await expect(other).toHaveURL(/\/sign-in(\?|$)/);

    // The owner's password stays as it is: other tests sign in with it.
    await page.getByLabel('Current password').fill('not the password');
    await page.getByLabel('New password', { exact: true }).fill('whatever it would be');
    await page.getByLabel('Confirm new password').fill('whatever it would be');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByRole('alert')).toHaveText('Please fix the highlighted fields.');
    await expect(page.getByLabel('Current password')).toHaveAccessibleDescription('The current password is incorrect');
    await expect(page.getByLabel('Current password')).toHaveValue('');
  } finally {
    await second.close();
  }
});
