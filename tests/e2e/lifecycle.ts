import { readFile } from 'node:fs/promises';
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { consoleAccount, formError, headerSignOut, signUpMember, submitSignIn, testPassword } from './accounts';
import { linkFromMail, mailTo } from './mail';
import { statusMessage, uniqueUser } from './support';

// The account-lifecycle flows, each followed from the email Roster sent (over SMTP, to tests/e2e/mail-catcher.mjs)
// to where the person lands. The js and no-js specs run the same flows with JavaScript on and off.

async function freshBrowser(browser: Browser, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, javaScriptEnabled });
  return context.newPage();
}

/** The owner (`page`) invites someone; they follow the link, choose a name and password and land signed in. */
export async function invitationFlow(page: Page, browser: Browser, javaScriptEnabled: boolean): Promise<void> {
  const invitee = uniqueUser('invitee');
  await page.goto('/invitations');
  await page.getByLabel('Email').fill(invitee.email);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(statusMessage(page, `Invited ${invitee.email}. The link works once, for 7 days.`)).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: invitee.email })).toContainText('pending');

  const link = await linkFromMail(invitee.email, 'invite');
  const guest = await freshBrowser(browser, javaScriptEnabled);
  await guest.goto(link);
  await expect(guest.getByRole('main')).toContainText(`You are invited as viewer with the address ${invitee.email}.`);
  await guest.getByLabel('Your name', { exact: true }).fill(invitee.name);
  await guest.getByLabel('Password', { exact: true }).fill(testPassword);
  await guest.getByLabel('Confirm password').fill(testPassword);
  await guest.getByRole('button', { name: 'Create my account' }).click();
  await expect(guest).toHaveURL(/\/dashboard$/);
  await expect(guest.getByRole('navigation', { name: 'Main' })).toContainText(invitee.email);

  await guest.goto(link);
  await expect(formError(guest)).toHaveText('This invitation was already accepted. Sign in instead.');
  await guest.context().close();

  await page.goto('/invitations');
  await expect(page.getByRole('row').filter({ hasText: invitee.email })).toContainText('accepted');
  await page.goto('/email');
  await expect(page.getByRole('row').filter({ hasText: invitee.email })).toContainText('invitation');
  await expect(page.getByRole('row').filter({ hasText: invitee.email })).toContainText('sent');
}

const resetAnswer = 'If an account uses that address, we sent it a link to choose a new password. The link works once, for 30 minutes.';

/** "Forgot password?" → the same answer for any address → the link → a new password → every session ends. */
export async function passwordResetFlow(browser: Browser, request: APIRequestContext, baseURL: string, javaScriptEnabled: boolean): Promise<void> {
  const member = await signUpMember(request, baseURL, 'forgetful');
  const page = await freshBrowser(browser, javaScriptEnabled);
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel('Email').fill(uniqueUser('nobody').email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(statusMessage(page, resetAnswer)).toBeVisible();
  await page.goto('/forgot-password');
  await page.getByLabel('Email').fill(member.email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(statusMessage(page, resetAnswer)).toBeVisible();

  const link = await linkFromMail(member.email, 'reset-password');
  const newPassword = 'a-brand-new-password';
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=password-reset$/);
  await expect(statusMessage(page, 'Your password was changed and every session was signed out.')).toBeVisible();

  await submitSignIn(page, member.email, member.password);
  await expect(formError(page)).toHaveText('Invalid email or password.');
  await submitSignIn(page, member.email, newPassword);
  await expect(page).toHaveURL(/\/not-allowed$/);

  await page.goto(link);
  await expect(formError(page)).toHaveText('This link was already used. Links work once; ask for a new one if you need it.');
  await page.context().close();
}

/** The code an authenticator app shows `offsetSteps` steps from now, computed by otpauth from the manual key. */
const codeFor = (key: string, offsetSteps = 0) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key), period: 30, digits: 6 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

/** An admin enrols from the Account page (QR code, key, recovery codes, a code), then signs in with a code. */
export async function twoFactorFlow(browser: Browser, request: APIRequestContext, baseURL: string, javaScriptEnabled: boolean): Promise<void> {
  const admin = await consoleAccount(browser, request, baseURL, 'admin', 'twofactor');
  const page = await freshBrowser(browser, javaScriptEnabled);
  await page.goto('/sign-in');
  await submitSignIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.goto('/account');
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  const recoveryCodes = await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents();
  const recoveryCode = recoveryCodes[0]!;
  // Downloadable as a .txt file with or without JavaScript; copyable with it.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download (.txt)' }).click();
  expect((await download).suggestedFilename()).toBe('roster-recovery-codes.txt');
  const saved = await readFile((await (await download).path())!, 'utf8');
  for (const code of recoveryCodes) expect(saved).toContain(code);
  if (javaScriptEnabled) {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(recoveryCodes.join('\n'));
  } else {
    await expect(page.getByRole('button', { name: 'Copy', exact: true })).toHaveCount(0);
  }
  const key = (await page.getByTestId('manual-key').textContent())!.trim();
  expect(key).toMatch(/^[A-Z2-7]+$/);

  await page.getByLabel('Code from your app').fill('000000');
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByText('That code is not right. Enter the one your app shows now.')).toBeVisible();
  await page.getByLabel('Code from your app').fill(codeFor(key));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page).toHaveURL(/\/account\?two-factor=on$/);
  await expect(statusMessage(page, '10 of 10 recovery codes left.')).toBeVisible();

  await headerSignOut(page).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await submitSignIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/sign-in\/two-factor$/);
  await page.getByLabel('Code from your authenticator app').fill('123456');
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.getByText('That code is not right. Codes work once; wait for the next one.')).toBeVisible();
  // The step after the one enrolment used: a code Roster hasn't accepted yet.
  await page.getByLabel('Code from your authenticator app').fill(codeFor(key, 1));
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // A recovery code works once instead.
  await headerSignOut(page).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await submitSignIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/sign-in\/two-factor$/);
  await page.getByText('Lost your phone? Use a recovery code').click();
  await page.getByLabel('Recovery code').fill(recoveryCode);
  await page.getByRole('button', { name: 'Use recovery code' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/account');
  await expect(statusMessage(page, '9 of 10 recovery codes left.')).toBeVisible();
  await page.context().close();
}

/** A sign-up's address is confirmed by the link sent to it, once. */
export async function emailVerificationFlow(browser: Browser, request: APIRequestContext, baseURL: string, javaScriptEnabled: boolean): Promise<void> {
  const member = await signUpMember(request, baseURL, 'verifyme');
  const link = await linkFromMail(member.email, 'verify-email');
  const page = await freshBrowser(browser, javaScriptEnabled);
  await page.goto(link);
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(statusMessage(page, `Thanks: ${member.email} is confirmed.`)).toBeVisible();
  await page.goto(link);
  await expect(formError(page)).toHaveText('This link was already used. Links work once; ask for a new one if you need it.');
  await page.context().close();
}

/** A user's own change of email: confirmed from the new address, told to the old one. */
export async function emailChangeFlow(browser: Browser, request: APIRequestContext, baseURL: string, javaScriptEnabled: boolean): Promise<void> {
  const viewer = await consoleAccount(browser, request, baseURL, 'viewer', 'mover');
  const newEmail = uniqueUser('moved').email;
  const page = await freshBrowser(browser, javaScriptEnabled);
  await page.goto('/sign-in');
  await submitSignIn(page, viewer.email, viewer.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/account');
  await page.getByLabel('New email').fill(newEmail);
  await page.getByRole('button', { name: 'Send confirmation link' }).click();
  await expect(statusMessage(page, `We sent a link to ${newEmail}.`)).toBeVisible();

  await page.goto(await linkFromMail(newEmail, 'confirm-email'));
  await page.getByRole('button', { name: 'Confirm my new email' }).click();
  await expect(statusMessage(page, `Done: your account's email is now ${newEmail}. Use it to sign in.`)).toBeVisible();
  await expect.poll(async () => (await mailTo(viewer.email)).map((mail) => mail.subject)).toContain('Your Roster email was changed');
  await page.goto('/account');
  await expect(page.getByRole('main')).toContainText(newEmail);
  await page.context().close();
}
