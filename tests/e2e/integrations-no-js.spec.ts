import { expect } from '@playwright/test';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { confirmAction, statusMessage, test, uniqueUser } from './support';

// The Integrations page with JavaScript off: every form is a plain post.

let receiver: WebhookReceiver;
test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
test.afterAll(() => receiver.close());

test('adds an endpoint and shows its secret, sends a test event and disables it, all without JavaScript', async ({ page }) => {
  const url = receiver.url.replace('/hooks', `/hooks/${uniqueUser('nojs').token}`);
  await page.goto('/integrations');
  await page.getByLabel('URL').fill(url);
  await page.getByLabel('user.created', { exact: true }).check();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(statusMessage(page, "Copy this secret now: it won't be shown again.")).toBeVisible();
  const secret = await page.getByLabel('Secret').inputValue();

  await page.goto('/integrations');
  await page.getByRole('link', { name: url }).click();
  await page.getByRole('button', { name: 'Send a test event' }).click();
  await expect(statusMessage(page, 'Test event queued')).toBeVisible();
  await expect.poll(() => receiver.signedWith(secret).length).toBe(1);

  // Rotating asks first, in a step of its own; the new secret is shown once.
  const question = await confirmAction(page, page.getByRole('main'), 'Rotate secret', { javaScript: false });
  expect(question).toContain('The old one keeps signing alongside it for 24 hours.');
  await expect(statusMessage(page, 'For 24 hours deliveries are signed with the old one too')).toBeVisible();
  const rotated = await page.getByRole('textbox', { name: 'Secret' }).inputValue();
  expect(rotated).toMatch(/^whsec_/);
  expect(rotated).not.toBe(secret);

  await page.getByRole('button', { name: 'Disable' }).click();
  await expect(statusMessage(page, 'Disabled: nothing is sent')).toBeVisible();
});
