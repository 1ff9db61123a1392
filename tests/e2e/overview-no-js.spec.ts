import { expect } from '@playwright/test';
import { expectOverviewMatchesApi } from './overview';
import { test } from './support';

// Project `no-js`: the overview's numbers and charts are in the HTML; the range picker is plain links.

test('without JavaScript the overview shows the metrics API’s numbers and its SVG charts', async ({ page, request }) => {
  await expectOverviewMatchesApi(page, request);
  await page.getByRole('link', { name: '90 days' }).click();
  await expect(page).toHaveURL(/\/dashboard\?range=90d$/);
  await expect(page.locator('svg[data-chart="bar"]').first().locator('title')).toHaveCount(90);
  await expect(page.getByRole('tooltip')).toHaveCount(0);

  // Each chart links to its numbers: one server-rendered table on a page of its own, in the same range.
  await expect(page.getByRole('link', { name: 'Show the numbers' })).toHaveCount(3);
  await page.getByRole('link', { name: 'Show the numbers' }).first().click();
  await expect(page).toHaveURL(/\/dashboard\/numbers\?range=90d$/);
  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(90);
  await expect(rows.last()).toContainText('(incomplete)');
  await expect(page.getByRole('columnheader')).toHaveText(['Day (UTC)', 'Sign-ups', 'Daily active', 'Weekly active', 'Monthly active', 'Failed sign-ins']);
  await page.getByRole('link', { name: 'Back to the charts' }).click();
  await expect(page).toHaveURL(/\/dashboard\?range=90d$/);
});
