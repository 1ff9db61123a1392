import { test } from '@playwright/test';
import { existingAccountJoinsFlow } from './organization-invitation';

test('an invitation into an organization: an address with an account signs in and joins, without a second account', async ({ browser, request, baseURL, javaScriptEnabled }) => {
  await existingAccountJoinsFlow(browser, request, baseURL!, javaScriptEnabled);
});
