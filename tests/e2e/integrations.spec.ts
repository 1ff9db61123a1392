import { expect, type Page } from '@playwright/test';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { consoleAccount, submitSignIn } from './accounts';
import { confirmAction, statusMessage, test, uniqueUser } from './support';

// The console's Integrations page: add an endpoint, see its secret once, send a test, read the delivery log, resend,
// rotate, disable and delete. The server's deliverer sends to a receiver this test runs on loopback.

let receiver: WebhookReceiver;
test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
test.afterAll(() => receiver.close());

async function addEndpoint(page: Page, url: string, events: string[] = ['All events']): Promise<string> {
  await page.goto('/integrations');
  await page.getByLabel('URL').fill(url);
  for (const event of events) await page.getByLabel(event, { exact: true }).check();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(statusMessage(page, "Copy this secret now: it won't be shown again.")).toBeVisible();
  return page.getByLabel('Secret').inputValue();
}

test('add an endpoint, get its secret once, and follow a test event and a real one into the delivery log', async ({ page, request }) => {
  const path = `/hooks/${uniqueUser('hook').token}`;
  const url = receiver.url.replace('/hooks', path);
  const secret = await addEndpoint(page, url);
  expect(secret).toMatch(/^whsec_/);
  await page.reload();
  await expect(page.getByLabel('Secret')).toHaveCount(0);

  await page.getByRole('link', { name: url }).click();
  await page.getByRole('button', { name: 'Send a test event' }).click();
  await expect(statusMessage(page, 'Test event queued')).toBeVisible();
  const mine = () => receiver.signedWith(secret);
  await expect.poll(() => mine().length).toBe(1);
  expect((receiver.verify(mine()[0]!, secret) as { type: string }).type).toBe('webhook.test');

  const user = uniqueUser('hooked');
  expect((await request.post('/api/v1/users', { data: { email: user.email, name: user.name } })).status()).toBe(201);
  await expect.poll(() => mine().length).toBe(2);
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('row').filter({ hasText: 'user.created' })).toContainText('succeeded', { timeout: 1_000 });
  }).toPass();
  await expect(page.getByRole('row').filter({ hasText: 'webhook.test' })).toContainText('200');

  await page.getByRole('row').filter({ hasText: 'webhook.test' }).getByRole('button', { name: /Resend/ }).click();
  await expect(statusMessage(page, 'Resending now.')).toBeVisible();
  await expect.poll(() => mine().filter((webhook) => (JSON.parse(webhook.body) as { type: string }).type === 'webhook.test').length).toBe(2);
});

test('rotate the secret, disable and delete the endpoint', async ({ page }) => {
  const url = receiver.url.replace('/hooks', `/hooks/${uniqueUser('rotate').token}`);
  const first = await addEndpoint(page, url, ['user.created']);
  await page.getByRole('link', { name: url }).click();

  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await expect(page.getByRole('dialog', { name: 'Confirm' })).toContainText('The old one keeps signing alongside it for 24 hours.');
  await page.getByRole('dialog', { name: 'Confirm' }).getByRole('button', { name: 'Rotate secret' }).click();
  await expect(statusMessage(page, 'For 24 hours deliveries are signed with the old one too')).toBeVisible();
  const second = await page.getByLabel('Secret').inputValue();
  expect(second).toMatch(/^whsec_/);
  expect(second).not.toBe(first);

  await page.getByRole('button', { name: 'Disable' }).click();
  await expect(statusMessage(page, 'Disabled: nothing is sent')).toBeVisible();
  await expect(page.getByText('Disabled by hand.')).toBeVisible();
  await page.getByRole('button', { name: 'Enable' }).click();
  await expect(statusMessage(page, 'Enabled: deliveries resume.')).toBeVisible();

  await confirmAction(page, page.getByRole('main'), 'Delete endpoint', { javaScript: true });
  await expect(page).toHaveURL(/\/integrations\?deleted=1$/);
  await expect(page.getByRole('link', { name: url })).toHaveCount(0);
});

test('an admin sees what an owner made but gets no controls for it: neither the owner’s endpoint nor the owner’s API key', async ({ page, browser, request, baseURL }) => {
  const url = receiver.url.replace('/hooks', `/hooks/${uniqueUser('owners').token}`);
  await addEndpoint(page, url, ['user.created']);
  const keyName = `owner's key ${uniqueUser('okey').token}`;
  await page.goto('/api-keys');
  await page.getByLabel('Name').fill(keyName);
  await page.getByRole('checkbox', { name: /users:read/ }).check();
  await page.getByRole('button', { name: 'Create API key' }).click();
  await expect(statusMessage(page, "Copy this secret now: it won't be shown again.")).toBeVisible();

  const admin = await consoleAccount(browser, request, baseURL!, 'admin', 'hooksadmin');
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    const adminPage = await context.newPage();
    await adminPage.goto('/sign-in?next=%2Fintegrations');
    await submitSignIn(adminPage, admin.email, admin.password);
    await adminPage.getByRole('link', { name: url }).click();
    await expect(adminPage.getByText('only owners can change, test, resend or delete it')).toBeVisible();
    for (const name of ['Disable', 'Send a test event', 'Rotate secret', 'Delete endpoint', 'Save changes']) {
      await expect(adminPage.getByRole('button', { name })).toHaveCount(0);
    }

    await adminPage.goto('/api-keys');
    const row = adminPage.getByRole('row').filter({ hasText: keyName });
    await expect(row).toContainText('only owners can revoke it');
    await expect(row.getByRole('button', { name: /Revoke/ })).toHaveCount(0);
  } finally {
    await context.close();
  }
});

