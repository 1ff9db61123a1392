import { expect, test } from '@playwright/test';

// The API reference at /api/docs, opened from the console's nav: rendered by Scalar from the live OpenAPI document,
// with everything loaded from Roster's own origin.
test('the console links to the API docs, which render the contract without loading anything from elsewhere', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const foreign: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(baseURL!) && !request.url().startsWith('data:')) foreign.push(request.url());
  });

  await page.goto('/users');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API docs' }).click();

  await expect(page).toHaveURL(/\/api\/docs$/);
  // Scalar parses and checks the whole document (about 900 KB) in the browser before it draws anything: on a busy
  // machine that alone can outlast the suite's usual wait.
  await expect(page.getByRole('heading', { name: 'Roster API' }).first()).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText('Create a user').first()).toBeVisible();
  await expect(page.getByText('Idempotency-Key').first()).toBeAttached();
  expect(foreign).toEqual([]);

  // Not Scalar's developer toolbar; a way back instead.
  for (const toolbar of ['Configure', 'Share', 'Deploy']) await expect(page.getByRole('button', { name: toolbar, exact: true })).toHaveCount(0);
  await expect(page.getByText(/^(Configure|Share|Deploy)$/)).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Roster' }).getByRole('link', { name: 'Back to the console' }).click();
  await expect(page).toHaveURL(/\/users$/);
});
