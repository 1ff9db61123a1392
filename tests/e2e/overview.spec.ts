import { expect } from '@playwright/test';
import { expectOverviewMatchesApi } from './overview';
import { test } from './support';

test('the overview shows the metrics API’s numbers as server-drawn charts, with tooltips on hover', async ({ page, request }) => {
  await expectOverviewMatchesApi(page, request);

  const chart = page.locator('svg[data-chart="bar"]').first();
  const today = chart.locator('[data-tooltip]').last();
  await today.hover();
  await expect(page.getByRole('tooltip')).toHaveText(/\(so far today: incomplete\)$/);

  await page.getByRole('link', { name: '7 days' }).click();
  await expect(page).toHaveURL(/\/dashboard\?range=7d$/);
  await expect(chart.locator('title')).toHaveCount(7);

  // For the docs, not an assertion.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/dashboard?range=30d');
  await page.screenshot({ path: 'docs/screenshots/overview-light.png', fullPage: true });
  // The owner's theme is System (console-layout.spec.ts puts it back), so the browser's preference decides.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/dashboard?range=30d');
  await expect(page.locator('html')).not.toHaveClass(/light/);
  expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
  await page.screenshot({ path: 'docs/screenshots/overview-dark.png', fullPage: true });
});
