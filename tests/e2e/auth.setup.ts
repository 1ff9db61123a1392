import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test as setup } from '@playwright/test';
import { ownerEmail, ownerPassword, ownerStorageState } from './owner';

// Project `setup`: signs in as the owner through the sign-in page, as a person would, and keeps the browser
// state (the session cookie) for the `js` and `no-js` projects, which start signed in.

setup('sign in as the owner', async ({ page }) => {
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in$/);

  // The server creates the owner at start (ROSTER_OWNER_EMAIL); should it not have, first setup still works.
  const setupLink = page.getByRole('link', { name: 'Set up the first owner account' });
  if (await setupLink.isVisible()) {
    await setupLink.click();
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel('Name').fill('E2E Owner');
    await page.getByLabel('Password').fill(ownerPassword);
    await page.getByRole('button', { name: 'Create owner account' }).click();
  } else {
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel('Password').fill(ownerPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText(ownerEmail);
  mkdirSync(path.dirname(ownerStorageState), { recursive: true });
  await page.context().storageState({ path: ownerStorageState });
});
