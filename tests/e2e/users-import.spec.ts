import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { uniqueUser } from './support';

// Runs in both projects (js and no-js): the Import users form is a plain multipart post either way.

/** A CSV of two good users around a bad address (line 3: the header is line 1). */
function usersCsv() {
  const first = uniqueUser('import');
  const second = uniqueUser('import');
  const text = `email,name,externalId\n${first.email},${first.name},ext-${first.token}\nnot-an-email,"Bad, Row",\n${second.email},${second.name},ext-${second.token}\n`;
  return { first, second, file: { name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(text) } };
}

async function downloadRejected(page: Page) {
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download rejected rows (CSV)' }).click();
  const file = await download;
  return parse(await readFile((await file.path())!, 'utf8'), { columns: true }) as Record<string, string>[];
}

const badRow = { line: '3', email: 'not-an-email', name: 'Bad, Row', errorFields: 'email', errorCodes: 'invalid_format', errorDetails: expect.any(String) };

test('Import users: a dry run reports each row, Start import runs the job, the rejected rows download as CSV', async ({ page }) => {
  const { first, second, file } = usersCsv();
  await page.goto('/users');
  await page.getByRole('link', { name: 'Import users' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import users' })).toBeVisible();

  await page.getByLabel('File').setInputFiles(file);
  await page.getByRole('button', { name: 'Dry run' }).click();
  await expect(page).toHaveURL(/\/users\/import\?report=/);
  // The page reloads itself until the dry run is done.
  await expect(page.getByTestId('import-counts')).toHaveText('3 rows checked · 2 accepted · 1 refused');
  const reportRow = page.getByRole('row').filter({ hasText: 'invalid_format' });
  await expect(reportRow.getByRole('cell')).toHaveText(['3', 'email', 'invalid_format', /email/i]);
  expect(await downloadRejected(page)).toEqual([badRow]);

  await page.getByLabel('Mode').selectOption('insert');
  await page.getByLabel('File').setInputFiles(file);
  await page.getByRole('button', { name: 'Start import' }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByText('3 of 3 processed · 2 succeeded · 1 failed')).toBeVisible();
  await expect(page.getByText('succeeded', { exact: true })).toBeVisible();
  expect(await downloadRejected(page)).toEqual([badRow]);

  await page.goto(`/users?search=${first.token}`);
  await expect(page.getByText(first.email)).toBeVisible();
  await page.goto(`/users?search=${second.token}`);
  await expect(page.getByText(second.email)).toBeVisible();
});

test('Import users: no file chosen comes back to the form with its error', async ({ page }) => {
  // `required` stops a browser, with JavaScript or not; a post without a file (a script, an old browser) is told.
  await page.request.post('/api/console/users/import', { multipart: { mode: 'insert' }, maxRedirects: 0 }).then((response) => {
    expect(response.status()).toBe(303);
    expect(response.headers().location).toMatch(/\/users\/import\?error=missing-file$/);
  });
  await page.goto('/users/import?error=missing-file');
  await expect(page.getByText('Choose a file to import.')).toBeVisible();
});
