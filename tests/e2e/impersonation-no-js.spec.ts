import { test } from '@playwright/test';
import { impersonateAndStop } from './impersonation';

test('without JavaScript: impersonate, reason checked, banner on every page, API keys refused, Stop returns to the owner', async ({ page }) => {
  await impersonateAndStop(page, 'impnojs');
});
