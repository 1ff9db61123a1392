import { test } from '@playwright/test';
import { impersonateAndStop } from './impersonation';

test('impersonate from a user’s page: reason checked, banner on every page, API keys refused, Stop returns to the owner', async ({ page }) => {
  await impersonateAndStop(page, 'imp');
});
