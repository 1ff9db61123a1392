import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { consoleAccount, submitSignIn } from './accounts';
import { ownerEmail } from './owner';
import { createUserViaForm, uniqueUser, userRow } from './support';

// Bulk actions from the users list (issue 30): the same flows with JavaScript on and off (the specs call these).

/** Two users whose names and emails share one search token. */
export async function twoUsers(page: Page, label: string) {
  const base = uniqueUser(label);
  const users = ['a', 'b'].map((letter) => ({ name: `${base.name} ${letter}`, email: `${letter}-${base.email}` }));
  for (const user of users) await createUserViaForm(page, user);
  return { token: base.token, users };
}

/** Reloads the list until every one of these rows shows `text` (the list is read through a cache the job's events expire). */
async function expectRowsShow(page: Page, token: string, emails: string[], text: string) {
  await expect(async () => {
    await page.goto(`/users?search=${token}`);
    for (const email of emails) await expect(userRow(page, email)).toContainText(text, { timeout: 1_000 });
  }).toPass();
}

/** Confirms on the confirmation page and follows the job to its end. */
async function confirmAndFollowJob(page: Page, yes: string | RegExp, processed: number) {
  await page.getByRole('button', { name: yes }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByText('succeeded', { exact: true })).toBeVisible();
  await expect(page.getByText(`${processed} of ${processed} processed · ${processed} succeeded · 0 failed`)).toBeVisible();
}

/** Ticks two rows (with JavaScript through "Select all on this page"), suspends them, and sees them suspended. */
export async function suspendSelected(page: Page, javaScript: boolean) {
  const { token, users } = await twoUsers(page, javaScript ? 'bulksel' : 'bulkselnojs');
  await page.goto(`/users?search=${token}`);
  if (javaScript) await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
  else for (const user of users) await page.getByRole('checkbox', { name: `Select ${user.name}` }).check();
  await page.getByLabel('Action').selectOption('suspend');
  await page.getByRole('button', { name: 'Review…' }).click();

  await expect(page).toHaveURL(/\/users\/bulk\?/);
  await expect(page.getByText('This will suspend 2 users of the 2 users selected.')).toBeVisible();
  await confirmAndFollowJob(page, 'Yes, suspend 2 users', 2);
  await expectRowsShow(page, token, users.map((user) => user.email), 'suspended');
}

/** "All matching the filter": the search, not the ids, goes to the confirmation; sets both users' role. */
export async function setRoleOfAllMatching(page: Page, javaScript: boolean) {
  const { token, users } = await twoUsers(page, javaScript ? 'bulkall' : 'bulkallnojs');
  await page.goto('/users');
  await page.getByLabel('Search', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText(/^1–2 of 2$/)).toBeVisible();
  await page.getByLabel('Action').selectOption('set-role');
  await page.getByLabel('Set to (for Set role)').selectOption('viewer');
  await page.getByRole('radio', { name: 'All 2 matching the filter' }).check();
  await page.getByRole('button', { name: 'Review…' }).click();

  await expect(page).toHaveURL(/scope=filter/);
  await expect(page).not.toHaveURL(/ids=/);
  await expect(page.getByText('This will set the role of 2 users to viewer of the 2 users matching the filter.')).toBeVisible();
  await confirmAndFollowJob(page, 'Yes, set the role of 2 users to viewer', 2);
  await expectRowsShow(page, token, users.map((user) => user.email), 'viewer');
}

/** An admin's bulk delete that names the owner: the confirmation lists the owner as skipped, and offers no Yes. */
export async function adminSeesOwnerSkipped(browser: Browser, request: APIRequestContext, baseURL: string, javaScript: boolean) {
  const admin = await consoleAccount(browser, request, baseURL, 'admin', javaScript ? 'bulkadmin' : 'bulkadminnojs');
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, javaScriptEnabled: javaScript });
  try {
    const page = await context.newPage();
    await page.goto('/sign-in');
    await submitSignIn(page, admin.email, admin.password);
    await expect(page).toHaveURL(/\/dashboard$/);
    await page.goto(`/users?search=${encodeURIComponent(ownerEmail)}`);
    await page.getByLabel('Action').selectOption('delete');
    await page.getByRole('radio', { name: 'All 1 matching the filter' }).check();
    await page.getByRole('button', { name: 'Review…' }).click();

    await expect(page.getByText('None of the 1 user matching the filter can be changed.')).toBeVisible();
    const skipped = page.getByRole('region', { name: 'Skipped: 1 user' });
    await expect(skipped.getByRole('listitem')).toHaveCount(1);
    await expect(skipped.getByRole('listitem')).toContainText(ownerEmail);
    await expect(page.getByRole('button', { name: /^Yes/ })).toHaveCount(0);
  } finally {
    await context.close();
  }
}
