import { test } from '@playwright/test';
import { adminSeesOwnerSkipped, setRoleOfAllMatching, suspendSelected } from './bulk-users';

test('select all on the page, suspend: the confirmation counts 2, the job succeeds, the list shows them suspended', async ({ page }) => {
  await suspendSelected(page, true);
});

test('all users matching a search get the new role', async ({ page }) => {
  await setRoleOfAllMatching(page, true);
});

test('an admin deleting an owner sees the owner listed as skipped', async ({ browser, request, baseURL }) => {
  await adminSeesOwnerSkipped(browser, request, baseURL!, true);
});
