import { expect, type APIRequestContext, type APIResponse, type Browser, type Page } from '@playwright/test';
import { ownerEmail, ownerPassword, ownerStorageState } from './owner';
import { statusMessage, uniqueUser } from './support';

/** The password every account these tests sign up gets (Roster asks for at least 10 characters). */
export const testPassword = 'correct horse battery';

export interface Account {
  id: string;
  email: string;
  name: string;
  password: string;
}

/**
 * Signs a new account up through Better Auth's own endpoint, as the product's sign-up would: it becomes a
 * member (an end user) with a password. Needs an Origin header: Better Auth refuses cookie requests without one.
 */
export async function signUpMember(request: APIRequestContext, baseURL: string, label: string): Promise<Account> {
  const user = uniqueUser(label);
  const response = await request.post('/api/auth/sign-up/email', {
    data: { email: user.email, password: testPassword, name: user.name },
    headers: { origin: baseURL },
  });
  expect(response.status(), await response.text()).toBe(200);
  const { user: created } = (await response.json()) as { user: { id: string } };
  return { id: created.id, email: user.email, name: user.name, password: testPassword };
}

/** Signs `account` in through Better Auth's endpoint (one more session for them); answers the 200 response. */
export async function signInThroughApi(request: APIRequestContext, baseURL: string, account: Account): Promise<APIResponse> {
  const response = await request.post('/api/auth/sign-in/email', { data: { email: account.email, password: account.password }, headers: { origin: baseURL } });
  expect(response.status(), await response.text()).toBe(200);
  return response;
}

/** Changes an account's role and/or status through the console, signed in as the owner in a context of its own. */
export async function changeAsOwner(browser: Browser, account: Account, changes: { role?: string; status?: string }): Promise<void> {
  const context = await browser.newContext({ storageState: ownerStorageState });
  try {
    const page = await context.newPage();
    await page.goto(`/users/${account.id}`);
    if (changes.role) await page.getByLabel('Role', { exact: true }).selectOption(changes.role);
    if (changes.status) await page.getByLabel('Status').selectOption(changes.status);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(statusMessage(page, 'Changes saved.')).toBeVisible();
  } finally {
    await context.close();
  }
}

/** A member promoted to `role` by the owner: an account that may sign in to the console. */
export async function consoleAccount(browser: Browser, request: APIRequestContext, baseURL: string, role: 'viewer' | 'admin', label: string = role): Promise<Account> {
  const account = await signUpMember(request, baseURL, label);
  await changeAsOwner(browser, account, { role });
  return account;
}

/** Fills and submits the email and password form on /sign-in (the page must be showing it). */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * A second, separate browser signed in as the owner through the sign-in page, told apart on the Account page by its
 * user agent. Close the returned context when done.
 */
export async function ownerInSecondBrowser(browser: Browser, userAgent: string, javaScriptEnabled = true) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, userAgent, javaScriptEnabled });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await submitSignIn(page, ownerEmail, ownerPassword);
  await expect(page).toHaveURL(/\/dashboard$/);
  return { context, page };
}

/** The header's Sign out button (the not-allowed page has one of its own too). */
export function headerSignOut(page: Page) {
  return page.getByRole('banner').getByRole('button', { name: 'Sign out' });
}

/** The form's error message (Next's route announcer is an empty `role="alert"` outside main). */
export function formError(page: Page) {
  return page.getByRole('main').getByRole('alert');
}
