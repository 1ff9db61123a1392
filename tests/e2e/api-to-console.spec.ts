import { expect } from '@playwright/test';
import { test, uniqueUser, userRow } from './support';

// Writes through the REST API mark the console's cached views stale (revalidateTag(tag, 'max')):
// stale-while-revalidate, so a page may serve the old view once before the fresh one.

test('a user created and renamed through the API shows up in the cached console views', async ({ page, request }) => {
  const user = uniqueUser('api');
  const listUrl = `/users?search=${encodeURIComponent(user.token)}`;

  // Warm the cached list first, so what follows proves revalidation rather than a cold read.
  await page.goto(listUrl);
  await expect(page.getByText('No users match these filters.')).toBeVisible();

  const created = await request.post('/api/v1/users', { data: { email: user.email, name: user.name } });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await expect(async () => {
    await page.goto(listUrl);
    await expect(userRow(page, user.email)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });

  await page.goto(`/users/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: user.name })).toBeVisible();
  const renamed = await request.patch(`/api/v1/users/${id}`, { data: { name: `Renamed ${user.token}` } });
  expect(renamed.status()).toBe(200);

  await expect(async () => {
    await page.goto(`/users/${id}`);
    await expect(page.getByRole('heading', { level: 1, name: `Renamed ${user.token}` })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole('listitem').filter({ hasText: 'user.updated' })).toContainText('via api');
});
