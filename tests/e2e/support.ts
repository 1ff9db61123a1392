import { readFile } from 'node:fs/promises';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { ownerStorageState } from './owner';

/**
 * The owner's session token, from the browser state the setup project saved. Better Auth's bearer plugin takes
 * the (signed) session cookie's value as `Authorization: Bearer …`, which is how /api/v1 authenticates.
 */
export async function ownerBearerToken(): Promise<string> {
  const state = JSON.parse(await readFile(ownerStorageState, 'utf8')) as { cookies: { name: string; value: string }[] };
  const cookie = state.cookies.find((candidate) => /^(__Secure-)?roster\.session_token$/.test(candidate.name));
  if (!cookie) throw new Error(`No session cookie in ${ownerStorageState}: did the setup project run?`);
  return decodeURIComponent(cookie.value);
}

/**
 * `test` whose `request` fixture calls the REST API as the signed-in owner (bearer token): /api/v1 ignores
 * cookies, so the stored browser state alone would not authenticate it.
 */
export const test = base.extend({
  request: async ({ playwright, baseURL }, provide) => {
    const request = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${await ownerBearerToken()}` } });
    await provide(request);
    await request.dispose();
  },
});

/** The database lives for the whole run, so every test makes its own users. */
export function uniqueUser(label = 'user') {
  const token = `${label}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`.toLowerCase();
  return {
    token,
    name: `Test ${label} ${token}`,
    email: `${token}@example.com`,
  };
}

export const userPageUrl = /\/users\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\?.*)?$/;

/** A success message (`role="status"`) with the given text. */
export function statusMessage(page: Page, text: string | RegExp): Locator {
  return page.getByRole('status').filter({ hasText: text });
}

/** The row of the users table that shows this email. */
export function userRow(page: Page, email: string): Locator {
  return page.getByRole('row').filter({ hasText: email });
}

/**
 * Creates a user through the console form (works with and without JavaScript) and returns its id.
 * Ends on the new user's page.
 */
export async function createUserViaForm(page: Page, user: { name: string; email: string; role?: string }): Promise<string> {
  await page.goto('/users/new');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Name').fill(user.name);
  if (user.role) await page.getByLabel('Role', { exact: true }).selectOption(user.role);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page).toHaveURL(userPageUrl);
  await expect(statusMessage(page, 'User created.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: user.name })).toBeVisible();
  const id = new URL(page.url()).pathname.split('/').at(-1);
  expect(id).toBeTruthy();
  return id!;
}

/** Submits the users list's GET filter form. */
export async function filterUsers(page: Page, filters: { search?: string; role?: string; plan?: string; subscription?: string }): Promise<void> {
  await page.goto('/users');
  if (filters.search !== undefined) await page.getByLabel('Search', { exact: true }).fill(filters.search);
  if (filters.role !== undefined) await page.getByLabel('Role', { exact: true }).selectOption(filters.role);
  if (filters.plan !== undefined) await page.getByLabel('Plan').selectOption(filters.plan);
  if (filters.subscription !== undefined) await page.getByLabel('Subscription').selectOption(filters.subscription);
  await page.getByRole('button', { name: 'Apply' }).click();
}

/**
 * Holds every POST to URLs matching `url` until the returned `release()` is called, so a test can check a
 * pending state without racing the server.
 */
export async function holdPosts(page: Page, url: string): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(url, async (route) => {
    if (route.request().method() === 'POST') await held;
    await route.continue();
  });
  return release;
}

/**
 * Answers a console confirmation (src/components/confirmed-submit.tsx) inside `scope` (a row, say): with JavaScript
 * the button opens a modal dialog whose button of the same name posts; without, the button opens a step of its own
 * whose submit button posts. Returns the question asked.
 */
export async function confirmAction(page: Page, scope: Locator, name: string | RegExp, { javaScript }: { javaScript: boolean }): Promise<string> {
  if (javaScript) {
    await scope.getByRole('button', { name }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm' });
    const question = (await dialog.locator('p').textContent()) ?? '';
    await dialog.getByRole('button', { name }).click();
    return question;
  }
  await scope.locator('summary').filter({ hasText: name }).click();
  const step = scope.locator('details[open]').getByRole('group');
  const question = (await step.locator('p').textContent()) ?? '';
  await step.getByRole('button', { name }).click();
  return question;
}
