import { expect, type Locator, type Page } from '@playwright/test';
import { rosterPort } from './origins';
import { startsOwnServer } from './own-server';
import { createUserViaForm, test, uniqueUser } from './support';

// Project `no-js`. The audit page and a user's History name people, not ids (docs/console.md, "People, not ids").
// "First setup" is the anonymous creation of the first owner at /setup, and the suite's own server made its owner
// from ROSTER_OWNER_EMAIL at start: this file starts a server of its own (the same production build) with no owner.

const port = rosterPort + 11;
const origin = `http://127.0.0.1:${port}`;
const owner = { email: 'first-owner@people-e2e.test', name: 'Ada First', password: 'people-e2e-owner-password' };

test.use({ baseURL: origin, storageState: { cookies: [], origins: [] } });

startsOwnServer(test, { port, baseUrl: origin, authSecret: 'people-e2e-auth-secret-0123456789abcdef' });

/** The audit page's rows about one user, newest first. */
async function auditRowsAbout(page: Page, userId: string): Promise<Locator> {
  await page.goto(`/audit?subjectType=user&subjectId=${userId}`);
  return page.getByRole('row').filter({ has: page.getByRole('cell') });
}

/** The cell of `row` under the audit table's column `name`. */
const cell = (row: Locator, name: 'Actor' | 'Subject') => row.getByRole('cell').nth(name === 'Actor' ? 2 : 4);

test('the audit page and a user’s History show people by name and email, linked; deleted users as such; the first setup', async ({ page }) => {
  await page.goto('/setup');
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Name').fill(owner.name);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Create owner account' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // The owner's own creation had no one signed in: it reads "First setup"; its subject is the owner, linked.
  await page.goto('/audit?type=user.created');
  const setupRow = page.getByRole('row').filter({ hasText: owner.email });
  await expect(cell(setupRow, 'Actor')).toHaveText(/^First setup/);
  const ownerLink = cell(setupRow, 'Subject').getByRole('link');
  await expect(ownerLink).toHaveText(`${owner.name}${owner.email}`);
  await ownerLink.click();
  await expect(page.getByRole('heading', { level: 1, name: owner.name })).toBeVisible();
  const ownerPath = new URL(page.url()).pathname;
  await expect(page.getByRole('region', { name: 'History' }).getByRole('listitem').filter({ hasText: 'user.created' }).first()).toContainText('First setup');

  // A user the owner creates: the actor and the subject by name and email, each linked to their page.
  const user = uniqueUser('people');
  const id = await createUserViaForm(page, user);
  const created = page.getByRole('region', { name: 'History' }).getByRole('listitem').filter({ hasText: 'user.created' });
  await expect(created.getByRole('link', { name: owner.email })).toHaveAttribute('href', ownerPath);
  await expect(created.getByRole('link', { name: owner.email })).toContainText(owner.name);

  let rows = await auditRowsAbout(page, id);
  await expect(rows).toHaveCount(1);
  await expect(cell(rows, 'Actor').getByRole('link', { name: owner.email })).toHaveAttribute('href', ownerPath);
  await expect(cell(rows, 'Actor')).toContainText(owner.name);
  await expect(cell(rows, 'Subject').getByRole('link')).toHaveAttribute('href', `/users/${id}`);
  await expect(cell(rows, 'Subject').getByRole('link')).toHaveText(`${user.name}${user.email}`);
  // Ids are for the filters, not for reading.
  await expect(cell(rows, 'Subject')).not.toContainText(id);

  // Deleted: every event about them shows "deleted user" with the email the event carried, and links nowhere.
  await page.goto(`/users/${id}/delete`);
  await page.getByRole('button', { name: `Yes, delete ${user.email}` }).click();
  await expect(page).toHaveURL(/\/users\?deleted=1$/);
  rows = await auditRowsAbout(page, id);
  await expect(rows).toHaveCount(2);
  for (const type of ['user.created', 'user.deleted']) {
    const row = rows.filter({ hasText: type });
    await expect(cell(row, 'Subject')).toHaveText(`deleted user${user.email}`);
    await expect(cell(row, 'Subject').getByRole('link')).toHaveCount(0);
    await expect(cell(row, 'Actor').getByRole('link', { name: owner.email })).toHaveAttribute('href', ownerPath);
  }
  await expect(page.locator(`a[href="/users/${id}"]`)).toHaveCount(0);
});
