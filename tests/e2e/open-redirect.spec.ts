import { expect, test } from '@playwright/test';
import { submitSignIn, consoleAccount } from './accounts';
import { escapedOrigin, rosterOrigin } from './origins';

// Issue 26.1: `next` never leads off the site, however it is written: the sign-in page signed in (the reported
// `GET /sign-in?next=/.//evil.example` → `307 Location: //evil.example`), and signing in through the form.

const offSite = ['/.//evil.example', '/a/..//evil.example', '/%2e//evil.example', '//evil.example', '/\\evil.example', '/%2f%2fevil.example', 'https://evil.example'];

test('signed in, the sign-in page sends every off-site next to the overview on this origin', async ({ page }) => {
  for (const next of offSite) {
    const response = await page.request.get(`/sign-in?next=${encodeURIComponent(next)}`, { maxRedirects: 0 });
    expect(response.status(), next).toBe(307);
    expect(response.headers().location, next).toBe('/dashboard');
  }
  const sameSite = await page.request.get(`/sign-in?next=${encodeURIComponent('/users?search=a%2Fb')}`, { maxRedirects: 0 });
  expect(sameSite.headers().location).toBe('/users?search=a%2Fb');
});

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('signing in with next=/.//evil.example lands on the overview on this origin', async ({ page, browser, playwright, baseURL }) => {
    const signUp = await playwright.request.newContext({ baseURL });
    const admin = await consoleAccount(browser, signUp, baseURL!, 'admin', 'nextdots');
    await signUp.dispose();
    await page.goto(`/sign-in?next=${encodeURIComponent('/.//evil.example')}`);
    await submitSignIn(page, admin.email, admin.password);
    await expect(page).toHaveURL(new RegExp(`^${escapedOrigin(rosterOrigin)}/dashboard$`));
  });
});
