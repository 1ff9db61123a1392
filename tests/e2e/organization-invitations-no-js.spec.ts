import { test } from '@playwright/test';
import { existingAccountJoinsFlow } from './organization-invitation';

// The same flow as organization-invitations.spec.ts, as plain form posts (the no-js project).
test('an invitation into an organization, without JavaScript: an address with an account signs in and joins', async ({ browser, request, baseURL, javaScriptEnabled }) => {
  await existingAccountJoinsFlow(browser, request, baseURL!, javaScriptEnabled);
});
