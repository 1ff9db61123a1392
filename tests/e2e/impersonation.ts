import { expect, type Page } from '@playwright/test';
import { formError } from './accounts';
import { ownerEmail } from './owner';
import { createUserViaForm, uniqueUser, userPageUrl } from './support';

// Impersonation from a user's page (issue 30): the same flow with JavaScript on and off (the specs call this).

const reason = 'Checking the billing page they report';

/**
 * The owner impersonates an admin: a short reason is refused at its field; then the banner shows on every page with
 * the reason and the time left; creating an API key is refused; Stop returns to the owner's own session.
 */
export async function impersonateAndStop(page: Page, label: string) {
  const user = uniqueUser(label);
  const userId = await createUserViaForm(page, { ...user, role: 'admin' });
  const impersonate = page.getByRole('region', { name: 'Impersonate', exact: true });

  await impersonate.getByLabel('Reason').fill('too short');
  await impersonate.getByRole('button', { name: 'Impersonate' }).click();
  await expect(impersonate.getByText('Give a reason of at least 10 characters')).toBeVisible();
  await expect(impersonate.getByLabel('Reason')).toHaveAttribute('aria-invalid', 'true');

  await impersonate.getByLabel('Reason').fill(reason);
  await impersonate.getByRole('button', { name: 'Impersonate' }).click();
  await expect(page).toHaveURL(/\/account$/);
  const banner = page.getByRole('region', { name: 'Impersonation' });
  for (const path of ['/account', '/users', '/api-keys']) {
    await page.goto(path);
    await expect(banner).toContainText(`Acting as ${user.name} (${user.email})`);
    await expect(banner).toContainText(`Reason: ${reason}`);
    await expect(banner).toContainText(/Time left: (60|59) min/);
  }

  await page.getByLabel('Name').fill('Made while impersonating');
  await page.getByRole('checkbox', { name: /users:read/ }).check();
  await page.getByRole('button', { name: 'Create API key' }).click();
  await expect(formError(page)).toContainText('Not while impersonating');

  await banner.getByRole('button', { name: 'Stop impersonating' }).click();
  await expect(page).toHaveURL(userPageUrl);
  expect(new URL(page.url()).pathname).toBe(`/users/${userId}`);
  await expect(banner).toHaveCount(0);
  await page.goto('/account');
  await expect(page.getByRole('main')).toContainText(ownerEmail);
}
