import { expect, test } from '@playwright/test';
import { consoleAccount, formError, headerSignOut, signUpMember, submitSignIn } from './accounts';

// Project `no-js`: signing in and out are plain form posts and redirects, with JavaScript disabled.
test.use({ storageState: { cookies: [], origins: [] } });

test('signs in with a form post, lands where it was going, and signs out', async ({ page, browser, request, baseURL }) => {
  const admin = await consoleAccount(browser, request, baseURL!, 'admin', 'nojssignin');
  await page.goto('/users/new');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fusers%2Fnew$/);

  const post = page.waitForRequest((request) => request.method() === 'POST' && request.isNavigationRequest());
  await submitSignIn(page, admin.email, admin.password);
  expect(new URL((await post).url()).pathname).toBe('/sign-in');
  await expect(page).toHaveURL(/\/users\/new$/);
  await expect(page.getByRole('heading', { level: 1, name: 'New user' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText(admin.email);

  await headerSignOut(page).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('banner')).not.toContainText(admin.email);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a wrong password shows the error without JavaScript', async ({ page, browser, request, baseURL }) => {
  const admin = await consoleAccount(browser, request, baseURL!, 'admin', 'nojswrong');
  await page.goto('/sign-in');
  await submitSignIn(page, admin.email, 'not the password');
  await expect(formError(page)).toHaveText('Invalid email or password.');
  await expect(page.getByLabel('Email')).toHaveValue(admin.email);
});

test('a member signing in without JavaScript sees the not-allowed page', async ({ page, request, baseURL }) => {
  const member = await signUpMember(request, baseURL!, 'nojsmember');
  await page.goto('/sign-in');
  await submitSignIn(page, member.email, member.password);
  await expect(page).toHaveURL(/\/not-allowed$/);
  await expect(page.getByRole('heading', { level: 1, name: "Your account can't use the admin console" })).toBeVisible();
  await page.getByRole('main').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
});
