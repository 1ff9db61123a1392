import { expect, test } from '@playwright/test';
import { createUserViaForm, uniqueUser } from './support';

test('without JavaScript the users list sorts by its headers, changes page size and searches with Apply', async ({ page }) => {
  const user = uniqueUser('nojssort');
  await createUserViaForm(page, user);
  await page.goto('/users');

  await page.getByRole('columnheader', { name: /Email/ }).getByRole('link').click();
  await expect(page.getByRole('columnheader', { name: /Email/ })).toHaveAttribute('aria-sort', 'ascending');

  await page.getByLabel('Search', { exact: true }).fill(user.token);
  await page.getByLabel('Per page').selectOption('10');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/limit=10/);
  await expect(page).toHaveURL(/sort=email/);
  await expect(page.getByRole('row').filter({ hasText: user.email })).toBeVisible();
  await expect(page.getByText(/^1–1 of 1$/)).toBeVisible();
});
