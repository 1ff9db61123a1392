import { expect, type Page } from '@playwright/test';
import { createCustomer, deliver, deliverUnmappedSubscription, eventCell, eventRow, expectEventStatus, sendFixture } from './stripe';
import { filterUsers, holdPosts, test, userRow } from './support';

// Project `js`. Stripe events go through the real CLI (`npm run roster -- webhook:send`), signed with the server's
// secret, into the running server; the console must show what they did. The webhook route expires the console's
// cached views with revalidateTag(tag, 'max'), which is stale-while-revalidate: views are polled with reloads.

type Customer = Awaited<ReturnType<typeof createCustomer>>;

/** Reloads the users list (searching for this user) until their row shows the plan and subscription status. */
async function expectBilling(page: Page, user: Customer, plan: string, subscription: string) {
  await expect(async () => {
    await page.goto(`/users?search=${encodeURIComponent(user.token)}`);
    const cells = userRow(page, user.email).getByRole('cell'); // (bulk checkbox), Name, Email, Role, Status, Plan, Subscription, …
    await expect(cells.nth(5)).toHaveText(plan, { timeout: 1_000 });
    await expect(cells.nth(6)).toHaveText(subscription, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
}

/** Reloads the user's page until its header line shows the plan and subscription status. */
async function expectUserHeader(page: Page, user: Customer, plan: string, subscription: string) {
  await expect(async () => {
    await page.goto(`/users/${user.id}`);
    await expect(page.getByText(`${user.email} · plan ${plan} · subscription ${subscription} · version`)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
}

test('a subscription bought, past due, mis-priced and canceled in Stripe shows up in the console', async ({ page, request, baseURL }) => {
  test.setTimeout(120_000);
  const user = await createCustomer(request, 'stripe');
  const ids = { customer: user.customer, subscription: user.subscription };

  // Checkout links the Stripe customer to the user (client_reference_id). No subscription yet.
  const checkout = await deliver(baseURL!, 'checkout.session.completed', { ...ids, user: user.id, email: user.email });
  await expectEventStatus(page, checkout, 'processed');
  await expectBilling(page, user, 'free', '—');

  const created = await deliver(baseURL!, 'customer.subscription.created', { ...ids, price: 'price_pro_monthly' });
  await expectEventStatus(page, created, 'processed');
  await expectBilling(page, user, 'pro', 'active');
  await expectUserHeader(page, user, 'pro', 'active');
  await expect(page.getByRole('listitem').filter({ hasText: 'subscription.updated' })).toContainText('system:stripe via webhook');

  // The list's plan and subscription filters find the user, with and without a match.
  await filterUsers(page, { search: user.token, plan: 'pro', subscription: 'active' });
  await expect(page).toHaveURL((url) => url.searchParams.get('plan') === 'pro' && url.searchParams.get('subscriptionStatus') === 'active');
  await expect(page.getByLabel('Plan')).toHaveValue('pro');
  await expect(page.getByLabel('Subscription')).toHaveValue('active');
  await expect(userRow(page, user.email)).toBeVisible();
  await filterUsers(page, { search: user.token, subscription: 'none' });
  await expect(page.getByText('No users match these filters.')).toBeVisible();
  await filterUsers(page, { search: user.token, plan: 'free' });
  await expect(page.getByText('No users match these filters.')).toBeVisible();

  // A failed renewal payment: past due, and the plan is kept while Stripe retries the payment.
  const pastDue = await deliver(baseURL!, 'invoice.payment_failed', ids);
  await expectEventStatus(page, pastDue, 'processed');
  await expectBilling(page, user, 'pro', 'past_due');
  await filterUsers(page, { search: user.token, subscription: 'past_due' });
  await expect(userRow(page, user.email)).toBeVisible();

  // A price no plan is configured for fails for good. Reprocessing with the configuration unchanged fails again.
  const { row, error } = await deliverUnmappedSubscription(baseURL!, page, user);
  // Hold the action's POST until the pending state has been checked.
  const release = await holdPosts(page, '**/webhooks');
  await row.getByRole('button', { name: 'Reprocess' }).click();
  const pending = row.getByRole('button', { name: 'Reprocessing…' });
  await expect(pending).toBeVisible();
  await expect(pending).toBeDisabled();
  release();
  await expect(row.getByRole('alert')).toHaveText('Failed again. See the error in the table.');
  await expect(eventCell(row, 'status')).toHaveText('failed');
  await expect(eventCell(row, 'error')).toHaveText(error);
  await expect(row.getByRole('button', { name: 'Reprocess' })).toBeEnabled();
  await page.unroute('**/webhooks');
  await expectBilling(page, user, 'pro', 'past_due');

  // Canceled: back to the free plan.
  const deleted = await deliver(baseURL!, 'customer.subscription.deleted', ids);
  await expectEventStatus(page, deleted, 'processed');
  await expectBilling(page, user, 'free', 'canceled');
  await expectUserHeader(page, user, 'free', 'canceled');
  await filterUsers(page, { search: user.token, plan: 'free', subscription: 'canceled' });
  await expect(userRow(page, user.email)).toBeVisible();
});

test('a failed checkout is applied when reprocessed once its cause is gone', async ({ page, request, baseURL }) => {
  test.setTimeout(90_000);
  const first = await createCustomer(request, 'stripefirst');
  const second = await createCustomer(request, 'stripesecond');
  const customer = first.customer;

  const linked = await deliver(baseURL!, 'checkout.session.completed', { user: first.id, customer, email: first.email });
  await expectEventStatus(page, linked, 'processed');
  // One Stripe customer can't belong to two users: a second checkout for it fails for good.
  const conflicting = await deliver(baseURL!, 'checkout.session.completed', { user: second.id, customer, email: second.email });
  const row = await expectEventStatus(page, conflicting, 'failed');
  await expect(eventCell(row, 'error')).toHaveText(`Stripe customer ${customer} is already linked to another user`);

  // With the first user deleted the customer is free, so reprocessing links it to the second user.
  expect((await request.delete(`/api/v1/users/${first.id}`)).status()).toBe(204);
  await row.getByRole('button', { name: 'Reprocess' }).click();
  await expect(row.getByRole('status')).toHaveText('Reprocessed: the event was applied.');
  await expect(eventCell(row, 'status')).toHaveText('processed');
  await expect(eventCell(row, 'error')).toHaveText('');
  await expect(row.getByRole('button', { name: 'Reprocess' })).toHaveCount(0);

  // The action expired the user's cached views (updateTag): their page shows the link on the first load.
  await page.goto(`/users/${second.id}`);
  await expect(page.getByRole('listitem').filter({ hasText: 'customer.linked' })).toContainText('system:stripe via webhook');
});

test('webhook:send: a fresh event per send, --keep-id redelivers, a wrong secret fails; unhandled types are ignored', async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  const customer = `cus_cli${Date.now().toString(36)}`;
  const first = await deliver(baseURL!, 'customer.created', { customer });
  const second = await deliver(baseURL!, 'customer.created', { customer });
  expect(second).not.toBe(first);

  const row = await expectEventStatus(page, first, 'ignored');
  await expect(eventCell(row, 'error')).toHaveText('event type customer.created is not handled');
  await expect(row.getByRole('button', { name: 'Reprocess' })).toHaveCount(0);
  await expectEventStatus(page, second, 'ignored');
  // Newest first.
  const rows = await page.getByRole('row').allTextContents();
  expect(rows.findIndex((text) => text.includes(second))).toBeLessThan(rows.findIndex((text) => text.includes(first)));

  // --keep-id sends the fixture's own event id: sent again, it is a redelivery that Roster stores only once.
  await sendFixture(baseURL!, 'customer.created', {}, ['--keep-id']);
  const redelivery = await sendFixture(baseURL!, 'customer.created', {}, ['--keep-id']);
  expect(redelivery.exitCode).toBe(0);
  expect(redelivery.eventId).toBe('evt_1RosterCustomerCreated0001');
  expect(redelivery.stdout).toContain('"duplicate":true');

  // Signed with another secret: refused, and the CLI exits non-zero.
  const forged = await sendFixture(baseURL!, 'customer.created', {}, ['--secret', 'whsec_not_the_servers']);
  expect(forged.exitCode).toBe(1);
  expect(forged.stdout).toContain('400 Bad Request');
  expect(forged.stdout).toContain('invalid-signature');
  await expect(eventRow(page, forged.eventId)).toHaveCount(0);
});
