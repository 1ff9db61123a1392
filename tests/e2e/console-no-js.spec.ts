import { expect, test } from '@playwright/test';
import { createUserViaForm, filterUsers, statusMessage, uniqueUser, userPageUrl, userRow } from './support';

// Project `no-js`: JavaScript is disabled, so every form is a plain HTML form post or GET.

test('creates a user with a form post and redirects to their page', async ({ page }) => {
  const user = uniqueUser('nojscreate');
  // Without JavaScript the submit is a document navigation (a real form post), not a fetch.
  const post = page.waitForRequest((request) => request.method() === 'POST' && request.isNavigationRequest());
  const id = await createUserViaForm(page, { ...user, role: 'viewer' });
  expect(new URL((await post).url()).pathname).toBe('/users/new');

  await expect(page).toHaveURL(new RegExp(`/users/${id}\\?created=1$`));
  await expect(page.getByText(`${user.email} · plan free · version 1`)).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveValue(user.email);
  await expect(page.getByLabel('Name')).toHaveValue(user.name);
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue('viewer');
});

test('shows field errors and keeps the input', async ({ page }) => {
  await page.goto('/users/new');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Name').fill('');
  await page.getByLabel('Role', { exact: true }).selectOption('admin');
  await page.getByLabel('Status').selectOption('suspended');
  await page.getByRole('button', { name: 'Create user' }).click();

  await expect(page.getByText('Please fix the highlighted fields.')).toBeVisible();
  const email = page.getByLabel('Email');
  const name = page.getByLabel('Name');
  await expect(email).toHaveAccessibleDescription('Enter a valid email address');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription('Name is required');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveValue('not-an-email');
  await expect(name).toHaveValue('');
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue('admin');
  await expect(page.getByLabel('Status')).toHaveValue('suspended');
});

test('rejects a duplicate email next to the email field', async ({ page }) => {
  const user = uniqueUser('nojsdup');
  await createUserViaForm(page, user);

  await page.goto('/users/new');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Name').fill('Someone Else');
  await page.getByRole('button', { name: 'Create user' }).click();

  await expect(page.getByLabel('Email')).toHaveAccessibleDescription('A user with this email already exists');
  await expect(page.getByLabel('Email')).toHaveValue(user.email);
  await expect(page.getByLabel('Name')).toHaveValue('Someone Else');
});

test('edits a user with a form post', async ({ page }) => {
  const user = uniqueUser('nojsedit');
  const id = await createUserViaForm(page, user);

  const newName = `Renamed ${user.token}`;
  await page.getByLabel('Name').fill(newName);
  await page.getByLabel('Status').selectOption('suspended');
  await page.getByRole('button', { name: 'Save changes' }).click();

  await expect(page.getByRole('heading', { level: 1, name: newName })).toBeVisible();
  await expect(page.getByText(`${user.email} · plan free · version 2`)).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue(newName);
  await expect(page.getByLabel('Status')).toHaveValue('suspended');
  await expect(statusMessage(page, 'Changes saved.')).toBeVisible();

  // The saved values are what a fresh load shows, too, without the one-off message.
  await page.goto(`/users/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: newName })).toBeVisible();
  await expect(page.getByLabel('Status')).toHaveValue('suspended');
  await expect(statusMessage(page, 'Changes saved.')).toHaveCount(0);
});

test('shows edit errors next to the fields and keeps the input', async ({ page }) => {
  const taken = uniqueUser('nojstaken');
  await createUserViaForm(page, taken);
  const user = uniqueUser('nojseditfail');
  await createUserViaForm(page, user);

  await page.getByLabel('Email').fill(taken.email);
  await page.getByLabel('Name').fill(`Typed ${user.token}`);
  await page.getByRole('button', { name: 'Save changes' }).click();

  await expect(page.getByLabel('Email')).toHaveAccessibleDescription('A user with this email already exists');
  await expect(page.getByLabel('Email')).toHaveValue(taken.email);
  await expect(page.getByLabel('Name')).toHaveValue(`Typed ${user.token}`);
  // Nothing was saved.
  await expect(page.getByRole('heading', { level: 1, name: user.name })).toBeVisible();
  await expect(page.getByText(`${user.email} · plan free · version 1`)).toBeVisible();
});

test('deletes a user through the confirmation page', async ({ page }) => {
  const user = uniqueUser('nojsdelete');
  const id = await createUserViaForm(page, user);

  await page.getByRole('button', { name: 'Delete user' }).click();
  await expect(page).toHaveURL(`/users/${id}/delete`);
  await expect(page.getByRole('heading', { level: 1, name: `Delete ${user.name}?` })).toBeVisible();

  await page.getByRole('button', { name: `Yes, delete ${user.email}` }).click();
  await expect(page).toHaveURL('/users?deleted=1');
  await expect(statusMessage(page, 'User deleted.')).toBeVisible();
  await expect(userRow(page, user.email)).toHaveCount(0);

  await filterUsers(page, { search: user.email });
  await expect(page.getByText('No users match these filters.')).toBeVisible();
});

test('cancelling on the confirmation page keeps the user', async ({ page }) => {
  const user = uniqueUser('nojscancel');
  const id = await createUserViaForm(page, user);

  await page.goto(`/users/${id}/delete`);
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(`/users/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: user.name })).toBeVisible();
});

test('searches and filters with the GET form', async ({ page }) => {
  const user = uniqueUser('nojssearch');
  await createUserViaForm(page, { ...user, role: 'viewer' });

  await filterUsers(page, { search: user.token.toUpperCase() });
  await expect(page).toHaveURL((url) => url.pathname === '/users' && url.searchParams.get('search') === user.token.toUpperCase());
  await expect(page.getByLabel('Search', { exact: true })).toHaveValue(user.token.toUpperCase());
  await expect(userRow(page, user.email)).toBeVisible();

  await filterUsers(page, { search: user.token, role: 'viewer' });
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue('viewer');
  await expect(userRow(page, user.email)).toBeVisible();

  await filterUsers(page, { search: user.token, role: 'admin' });
  await expect(page.getByText('No users match these filters.')).toBeVisible();
  await expect(userRow(page, user.email)).toHaveCount(0);

  await page.getByRole('link', { name: 'Clear' }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(userRow(page, user.email)).toBeVisible();

  // A link to the user's page from the results works without JavaScript.
  await page.getByRole('link', { name: user.name }).click();
  await expect(page).toHaveURL(userPageUrl);
});
