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
});
