import { expect, test } from '@playwright/test';
import { createUserViaForm, filterUsers, holdPosts, statusMessage, uniqueUser, userPageUrl, userRow } from './support';

// Project `js`: the console with JavaScript on (Server Actions through React, client navigations).

test('creates a user and lands on their page', async ({ page }) => {
  const user = uniqueUser('create');
  const id = await createUserViaForm(page, { ...user, role: 'viewer' });

  await expect(page).toHaveURL(new RegExp(`/users/${id}\\?created=1$`));
  await expect(page.getByText(`${user.email} · plan free · version 1`)).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveValue(user.email);
  await expect(page.getByLabel('Name')).toHaveValue(user.name);
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue('viewer');
  await expect(page.getByRole('listitem').filter({ hasText: 'user.created' })).toBeVisible();
});

test('shows the pending state while the create action runs', async ({ page }) => {
  const user = uniqueUser('pending');
  // Hold the Server Action's POST until the pending UI has been checked, so the check cannot race the server.
  const release = await holdPosts(page, '**/users/new');

  await page.goto('/users/new');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Name').fill(user.name);
  await page.getByRole('button', { name: 'Create user' }).click();

  const pendingButton = page.getByRole('button', { name: 'Saving…' });
  await expect(pendingButton).toBeVisible();
  await expect(pendingButton).toBeDisabled();

  release();
  await expect(page).toHaveURL(userPageUrl);
  await expect(statusMessage(page, 'User created.')).toBeVisible();
});

test('edits the name in place: message and heading update without a reload', async ({ page }) => {
  const user = uniqueUser('edit');
  await createUserViaForm(page, user);
  // Survives client-side updates, not a document load: proves the page was not reloaded.
  await page.evaluate(() => {
    (window as unknown as { e2eMarker?: string }).e2eMarker = 'still here';
  });

  const newName = `Renamed ${user.token}`;
  await page.getByLabel('Name').fill(newName);
  await page.getByRole('button', { name: 'Save changes' }).click();

  await expect(statusMessage(page, 'Changes saved.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: newName })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: user.name })).toHaveCount(0);
  await expect(page.getByLabel('Name')).toHaveValue(newName);
  await expect(page.getByText(`${user.email} · plan free · version 2`)).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'user.updated' })).toContainText(`name: ${user.name} → ${newName}`);
  expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe('still here');

  // The list shows the new name too.
  await filterUsers(page, { search: user.email });
  await expect(userRow(page, user.email)).toContainText(newName);
});

test('edits the role: badge and form both show the saved role', async ({ page }) => {
  const user = uniqueUser('role');
  await createUserViaForm(page, user);

  await page.getByLabel('Role', { exact: true }).selectOption('admin');
  await page.getByRole('button', { name: 'Save changes' }).click();

  await expect(statusMessage(page, 'Changes saved.')).toBeVisible();
  await expect(page.getByText(`${user.email} · plan free · version 2`)).toBeVisible();
  await expect(page.locator('h1 + span')).toHaveText('admin');
  // The form must keep showing the saved role, or the next save would silently revert it.
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue('admin');

  // A later, unrelated edit leaves the role alone.
  await page.getByLabel('Name').fill(`Renamed ${user.token}`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(`${user.email} · plan free · version 3`)).toBeVisible();
  await expect(page.locator('h1 + span')).toHaveText('admin');
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue('admin');
});

test('shows edit errors next to the fields and keeps the input', async ({ page }) => {
  const taken = uniqueUser('taken');
  await createUserViaForm(page, taken);
  const user = uniqueUser('editfail');
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

test('searches by part of the name or email, and shows the empty state when nothing matches', async ({ page }) => {
  const user = uniqueUser('search');
  await createUserViaForm(page, user);

  // Part of the email, typed in upper case: the search is a case-insensitive substring match.
  const emailPart = user.email.slice(2, -6).toUpperCase();
  await filterUsers(page, { search: emailPart });
  await expect(page).toHaveURL((url) => url.pathname === '/users' && url.searchParams.get('search') === emailPart);
  await expect(page.getByLabel('Search', { exact: true })).toHaveValue(emailPart);
  await expect(userRow(page, user.email)).toBeVisible();
  await expect(page.getByRole('link', { name: user.name })).toBeVisible();

  // Part of the name.
  await filterUsers(page, { search: `search ${user.token.slice(0, -2)}` });
  await expect(userRow(page, user.email)).toBeVisible();

  await filterUsers(page, { search: `${user.token}-no-such-user` });
  await expect(page.getByText('No users match these filters.')).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);

  await page.getByRole('link', { name: 'Clear' }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByLabel('Search', { exact: true })).toHaveValue('');
  await expect(userRow(page, user.email)).toBeVisible();
});

test('filters by role', async ({ page }) => {
  const { token } = uniqueUser('rolefilter');
  const viewer = { name: `Viewer ${token}`, email: `viewer.${token}@example.com` };
  const admin = { name: `Admin ${token}`, email: `admin.${token}@example.com` };
  await createUserViaForm(page, { ...viewer, role: 'viewer' });
  await createUserViaForm(page, { ...admin, role: 'admin' });

  await filterUsers(page, { search: token });
  await expect(userRow(page, viewer.email)).toBeVisible();
  await expect(userRow(page, admin.email)).toBeVisible();

  await filterUsers(page, { search: token, role: 'viewer' });
  await expect(page).toHaveURL((url) => url.searchParams.get('role') === 'viewer');
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue('viewer');
  await expect(userRow(page, viewer.email)).toBeVisible();
  await expect(userRow(page, admin.email)).toHaveCount(0);
  // Every listed user has the role filtered on (header row excluded; the first column is the bulk checkbox).
  const roleCells = page.getByRole('row').filter({ has: page.getByRole('cell') }).locator('td:nth-child(4)');
  await expect(roleCells.first()).toBeVisible();
  for (const cell of await roleCells.all()) await expect(cell).toHaveText('viewer');

  await filterUsers(page, { search: token, role: 'admin' });
  await expect(userRow(page, admin.email)).toBeVisible();
  await expect(userRow(page, viewer.email)).toHaveCount(0);

  await filterUsers(page, { search: token, role: 'owner' });
  await expect(page.getByText('No users match these filters.')).toBeVisible();
});

test('deletes a user after confirming the dialog', async ({ page }) => {
  const user = uniqueUser('delete');
  const id = await createUserViaForm(page, user);

  // Hold the delete action's POST until the pending label has been checked.
  const release = await holdPosts(page, `**/users/${id}*`);
  const trigger = page.getByRole('button', { name: 'Delete user' });
  await trigger.click();
  // A modal dialog of the page's own (not the browser's confirm()): it asks, focus starts on Cancel.
  const dialog = page.getByRole('dialog', { name: 'Confirm deletion' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleDescription(`Delete ${user.email}? This cannot be undone.`);
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Delete user' }).click();
  await expect(dialog).toBeHidden();

  const pending = page.getByRole('button', { name: 'Deleting…' });
  await expect(pending).toBeVisible();
  await expect(pending).toHaveAttribute('aria-disabled', 'true');
  release();
  await expect(page).toHaveURL('/users?deleted=1');
  await expect(statusMessage(page, 'User deleted.')).toBeVisible();
  await expect(userRow(page, user.email)).toHaveCount(0);

  await page.goto(`/users/${id}`);
  await expect(page.getByRole('heading', { name: 'User not found' })).toBeVisible();
});

test('keeps the user when the delete dialog is cancelled (Escape or Cancel)', async ({ page }) => {
  const user = uniqueUser('keep');
  const id = await createUserViaForm(page, user);

  const trigger = page.getByRole('button', { name: 'Delete user' });
  await trigger.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  // Escape cancels, and focus goes back to the button that opened it.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(trigger).toBeFocused();
  await trigger.click();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  // No navigation to the no-JS confirmation page and no delete: the button is usable again.
  await expect(page.getByRole('button', { name: 'Delete user' })).toBeEnabled();
  await expect(page).toHaveURL(new RegExp(`/users/${id}\\?created=1$`));
  await filterUsers(page, { search: user.email });
  await expect(userRow(page, user.email)).toBeVisible();
});

test('shows field errors next to the fields and keeps what was typed', async ({ page }) => {
  await page.goto('/users/new');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Name').fill('');
  await page.getByRole('button', { name: 'Create user' }).click();

  await expect(page.getByRole('alert').filter({ hasText: 'Please fix the highlighted fields.' })).toBeVisible();
  const email = page.getByLabel('Email');
  const name = page.getByLabel('Name');
  await expect(email).toHaveAccessibleDescription('Enter a valid email address');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription('Name is required');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveValue('not-an-email');
  await expect(name).toHaveValue('');
  await expect(page).toHaveURL(/\/users\/new$/);

  // Fixing the fields clears the errors and creates the user.
  const user = uniqueUser('fixed');
  await email.fill(user.email);
  await name.fill(user.name);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page).toHaveURL(userPageUrl);
  await expect(statusMessage(page, 'User created.')).toBeVisible();
});

test('keeps the chosen role and status after a failed create', async ({ page }) => {
  await page.goto('/users/new');
  await page.getByLabel('Email').fill('still-not-an-email');
  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByLabel('Role', { exact: true }).selectOption('admin');
  await page.getByLabel('Status').selectOption('suspended');
  await page.getByRole('button', { name: 'Create user' }).click();

  await expect(page.getByLabel('Email')).toHaveAccessibleDescription('Enter a valid email address');
  await expect(page.getByLabel('Email')).toHaveValue('still-not-an-email');
  await expect(page.getByLabel('Name')).toHaveValue('Grace Hopper');
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue('admin');
  await expect(page.getByLabel('Status')).toHaveValue('suspended');
});

test('rejects a duplicate email next to the email field', async ({ page }) => {
  const user = uniqueUser('dup');
  await createUserViaForm(page, user);

  await page.goto('/users/new');
  // Emails are unique regardless of case.
  await page.getByLabel('Email').fill(user.email.toUpperCase());
  await page.getByLabel('Name').fill('Someone Else');
  await page.getByRole('button', { name: 'Create user' }).click();

  const email = page.getByLabel('Email');
  await expect(email).toHaveAccessibleDescription('A user with this email already exists');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveValue(user.email.toUpperCase());
  await expect(page.getByLabel('Name')).toHaveValue('Someone Else');
  await expect(page).toHaveURL(/\/users\/new$/);

  await filterUsers(page, { search: user.email });
  await expect(userRow(page, user.email)).toHaveCount(1);
});
