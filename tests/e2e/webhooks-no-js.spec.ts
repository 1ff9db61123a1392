import { expect } from '@playwright/test';
import { test } from './support';
import { createCustomer, deliver, deliverUnmappedSubscription, eventCell, expectEventStatus } from './stripe';

// Project `no-js`: the Billing events page (incoming Stripe events) and its Reprocess form as plain HTML.

test('the Billing events page lists events and its Reprocess form posts without JavaScript', async ({ page, request, baseURL }) => {
  test.setTimeout(60_000);
  const user = await createCustomer(request, 'nojsstripe');
  const linked = await deliver(baseURL!, 'checkout.session.completed', { user: user.id, customer: user.customer, email: user.email });
  await expectEventStatus(page, linked, 'processed');

  await page.goto('/users');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing events' }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  // Rendered per request like the other console pages, never prerendered at build time.
  const response = await page.goto('/webhooks');
  expect(response?.headers()['cache-control']).toContain('no-store');
  await expect(page.getByRole('heading', { level: 1, name: 'Billing events' })).toBeVisible();

  const { row, error } = await deliverUnmappedSubscription(baseURL!, page, user);
  // Without JavaScript the submit is a document navigation (a real form post), not a fetch.
  const post = page.waitForRequest((request) => request.method() === 'POST' && request.isNavigationRequest());
  await row.getByRole('button', { name: 'Reprocess' }).click();
  expect(new URL((await post).url()).pathname).toBe('/webhooks');

  await expect(row.getByText('Failed again. See the error in the table.')).toBeVisible();
  await expect(eventCell(row, 'status')).toHaveText('failed');
  await expect(eventCell(row, 'error')).toHaveText(error);
});
