import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { createUserViaForm, filterUsers, uniqueUser } from './support';

// Project `no-js`: the Export link is a plain link and the audit filters a plain GET form.

test('the users list’s Export CSV link downloads the filtered list', async ({ page }) => {
  const user = uniqueUser('export');
  const id = await createUserViaForm(page, { name: `=HYPERLINK("x") ${user.name}`, email: user.email, role: 'viewer' });
  await filterUsers(page, { search: user.token });

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^roster-users-\d{4}-\d{2}-\d{2}\.csv$/);
  const records = parse(await readFile((await file.path())!, 'utf8'), { columns: true }) as Record<string, string>[];
  expect(records).toEqual([expect.objectContaining({ id, email: user.email, name: `'=HYPERLINK("x") ${user.name}`, role: 'viewer' })]);
});

test('the audit page lists changes, filters them and links each to its subject', async ({ page }) => {
  const user = uniqueUser('audited');
  const id = await createUserViaForm(page, user);

  await page.goto('/audit');
  await page.getByLabel('Subject type').selectOption('user');
  await page.getByLabel('Subject id').fill(id);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?.*subjectId=${id}`));

  const rows = page.getByRole('row').filter({ hasText: 'user.created' });
  await expect(rows).toHaveCount(1);
  await page.getByLabel('Event').selectOption('user.deleted');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('No events match these filters.')).toBeVisible();

  await page.goBack();
  // The subject is shown by name and email (not its id), linked to its page.
  await rows.getByRole('link', { name: user.email }).click();
  await expect(page).toHaveURL(new RegExp(`/users/${id}$`));
  await expect(page.getByRole('heading', { level: 1, name: user.name })).toBeVisible();
});
