import { test } from '@playwright/test';
import { useStaffTools } from './staff-tools';

test('without JavaScript: staff tools: sessions, revoke one, sign out everywhere, reset and verification mails, suspend and lift', async ({ page }) => {
  await useStaffTools(page, 'staffnojs', { javaScript: false });
});
