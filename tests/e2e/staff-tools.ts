import { expect, request as playwrightRequest, type Page } from '@playwright/test';
import { signInThroughApi, signUpMember, type Account } from './accounts';
import { linkFromMail, mailTo } from './mail';
import { rosterOrigin } from './origins';
import { confirmAction, statusMessage } from './support';

// Staff tools on a user's page (issue 30, item 5), the same flow with JavaScript on and off (the specs call this).

const firefoxOnLinux = 'Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0';
const safariOnMac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

/** Signs `account` in through Better Auth's endpoint from a device of its own: one more session for staff to see. */
async function signInFrom(account: Account, userAgent: string): Promise<void> {
  const device = await playwrightRequest.newContext({ baseURL: rosterOrigin, userAgent });
  try {
    await signInThroughApi(device, rosterOrigin, account);
  } finally {
    await device.dispose();
  }
}

const verifyLinks = async (email: string) => (await mailTo(email)).filter((mail) => mail.text.includes('/verify-email/')).length;

/**
 * The owner, on a member's page: sees their two sessions by device, revokes one, signs them out everywhere, emails a
 * password reset and a new verification link (both arrive), suspends them with a reason and an end (shown), and lifts it.
 */
export async function useStaffTools(page: Page, label: string, { javaScript }: { javaScript: boolean }) {
  const signUp = await playwrightRequest.newContext({ baseURL: rosterOrigin });
  const member = await signUpMember(signUp, rosterOrigin, label).finally(() => signUp.dispose());
  await signInFrom(member, firefoxOnLinux);
  await signInFrom(member, safariOnMac);
  await page.goto(`/users/${member.id}`);

  const sessions = page.getByRole('region', { name: 'Sessions' });
  const rowOf = (device: string) => sessions.getByRole('row').filter({ hasText: device });
  await expect(rowOf('Firefox on Linux')).toHaveCount(1);
  await expect(rowOf('Safari on macOS')).toHaveCount(1);
  await rowOf('Firefox on Linux').getByRole('button', { name: /Revoke/ }).click();
  await expect(sessions.getByText('Session revoked: that device is signed out on its next request.')).toBeVisible();
  await expect(rowOf('Firefox on Linux')).toHaveCount(0);
  await expect(rowOf('Safari on macOS')).toHaveCount(1);

  const question = await confirmAction(page, sessions, 'Sign out everywhere', { javaScript });
  expect(question).toBe(`Sign ${member.email} out on every device?`);
  await expect(statusMessage(page, /^Signed out everywhere: \d+ sessions? ended\.$/)).toBeVisible();
  await expect(sessions.getByText('Not signed in anywhere.')).toBeVisible();

  const emails = page.getByRole('region', { name: 'Reset and verification' });
  await emails.getByRole('button', { name: 'Send password reset' }).click();
  await expect(statusMessage(page, 'Password reset link sent.')).toBeVisible();
  await linkFromMail(member.email, 'reset-password');
  const sentBefore = await verifyLinks(member.email);
  await emails.getByRole('button', { name: 'Resend verification' }).click();
  await expect(statusMessage(page, 'Verification link sent.')).toBeVisible();
  await linkFromMail(member.email, 'verify-email', sentBefore + 1);

  const suspension = page.getByRole('region', { name: 'Suspension' });
  await suspension.getByLabel('Reason').fill('Chargeback under review');
  await suspension.getByLabel('Until (UTC, optional)').fill('2030-01-02T10:30');
  expect(await confirmAction(page, suspension, 'Suspend', { javaScript })).toBe(`Suspend ${member.email}? They are signed out everywhere at once.`);
  // The section now shows the suspension (its form, and the form's message, make way for it).
  await expect(suspension.getByRole('definition').filter({ hasText: 'Chargeback under review' })).toBeVisible();
  await expect(suspension.locator('time')).toHaveAttribute('datetime', '2030-01-02T10:30:00.000Z');
  await expect(page.getByRole('combobox', { name: 'Status' })).toHaveValue('suspended');
  await suspension.getByRole('button', { name: 'Unsuspend' }).click();
  await expect(suspension.getByLabel('Reason')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Status' })).toHaveValue('active');
}
