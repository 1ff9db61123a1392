import { test } from '@playwright/test';
import { useStaffTools } from './staff-tools';

test('staff tools: sessions by device, revoke one, sign out everywhere, reset and verification mails, suspend until a date and lift it', async ({ page }) => {
  await useStaffTools(page, 'staff', { javaScript: true });
});
