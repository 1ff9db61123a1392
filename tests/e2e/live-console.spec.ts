import { expect, type Browser, type Page } from '@playwright/test';
import { ownerStorageState } from './owner';
import { statusMessage, test, uniqueUser, userRow } from './support';

// The live console: a page left open shows what anyone changes (another browser, the API), without a reload.

/** A second browser, signed in as the owner too, for the other admin in these scenarios. */
async function otherBrowser(browser: Browser) {
  const context = await browser.newContext({ storageState: ownerStorageState });
  return { context, page: await context.newPage() };
}

/** Marks the document, so a test can tell that what it sees arrived without a navigation. */
async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 42));
  return async () => expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(42);
}

const liveIndicator = (page: Page) => page.getByRole('status').filter({ hasText: 'Live' });

test('a user’s page shows a change made in another browser without a reload', async ({ page, browser, request }) => {
  const user = uniqueUser('live');
  const created = await request.post('/api/v1/users', { data: { email: user.email, name: user.name } });
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/users/${id}`);
  await expect(liveIndicator(page)).toBeVisible();
  const notReloaded = await markDocument(page);

  const other = await otherBrowser(browser);
  try {
    await other.page.goto(`/users/${id}`);
    await other.page.getByLabel('Name').fill(`Renamed ${user.token}`);
    await other.page.getByRole('button', { name: 'Save changes' }).click();
    await expect(statusMessage(other.page, 'Changes saved.')).toBeVisible();
  } finally {
    await other.context.close();
  }

  await expect(page.getByRole('heading', { level: 1, name: `Renamed ${user.token}` })).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue(`Renamed ${user.token}`);
  await expect(page.getByRole('listitem').filter({ hasText: 'user.updated' })).toContainText('via console');
  await notReloaded();
});

test('the users list shows a user created through the API without a reload', async ({ page, request }) => {
  const user = uniqueUser('livelist');
  await page.goto(`/users?search=${user.token}`);
  await expect(page.getByText('No users match these filters.')).toBeVisible();
  await expect(liveIndicator(page)).toBeVisible();
  const notReloaded = await markDocument(page);

  expect((await request.post('/api/v1/users', { data: { email: user.email, name: user.name } })).status()).toBe(201);

  await expect(userRow(page, user.email)).toBeVisible();
  await notReloaded();
});

test('a form being edited keeps what was typed when someone else saves, and saving then refuses to overwrite', async ({ page, request }) => {
  const user = uniqueUser('liveedit');
  const { id } = (await (await request.post('/api/v1/users', { data: { email: user.email, name: user.name } })).json()) as { id: string };
  await page.goto(`/users/${id}`);
  await expect(liveIndicator(page)).toBeVisible();
  await page.getByLabel('Name').fill(`Mine ${user.token}`);

  expect((await request.patch(`/api/v1/users/${id}`, { data: { name: `Theirs ${user.token}` } })).status()).toBe(200);

  await expect(page.getByRole('heading', { level: 1, name: `Theirs ${user.token}` })).toBeVisible();
  await expect(page.getByText('Someone else changed this user while you were editing.')).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue(`Mine ${user.token}`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('changed by someone else');
  const stored = (await (await request.get(`/api/v1/users/${id}`)).json()) as { name: string };
  expect(stored.name).toBe(`Theirs ${user.token}`);
});
