import { test } from '@playwright/test';
import { emailChangeFlow, emailVerificationFlow, invitationFlow, passwordResetFlow, twoFactorFlow } from './lifecycle';

// Runs in both projects (playwright.config.ts), `js` and `no-js`: every emailed flow, from the message the test mail
// server received to where the person lands, with JavaScript on and as plain form posts.

test('an invitation is accepted from its email and the invitee lands signed in', async ({ page, browser, javaScriptEnabled }) => {
  await invitationFlow(page, browser, javaScriptEnabled);
});

test('a forgotten password is reset from its email', async ({ browser, request, baseURL, javaScriptEnabled }) => {
  await passwordResetFlow(browser, request, baseURL!, javaScriptEnabled);
});

test('two-factor sign-in: enrol with the QR code and key, sign in with a code or a recovery code', async ({ browser, request, baseURL, javaScriptEnabled }) => {
  await twoFactorFlow(browser, request, baseURL!, javaScriptEnabled);
});

test('a sign-up confirms its address from its email', async ({ browser, request, baseURL, javaScriptEnabled }) => {
  await emailVerificationFlow(browser, request, baseURL!, javaScriptEnabled);
});

test('a change of email is confirmed from the new address', async ({ browser, request, baseURL, javaScriptEnabled }) => {
  await emailChangeFlow(browser, request, baseURL!, javaScriptEnabled);
});
