import { expect } from '@playwright/test';
import { watchPolicyViolations } from './csp';
import { escapedOrigin, idpOrigin } from './origins';
import { addMemberViaForm, apiUser, createOrganizationViaForm, uniqueSlug } from './organizations';
import { ownerEmail } from './owner';
import { createUserViaForm, statusMessage, test, uniqueUser } from './support';

// Issue 26.17, with JavaScript off: the console's forms still work under the pages' Content-Security-Policy
// (form-action included), and nothing on the pages is refused. (With JavaScript on: security-headers.spec.ts.)

test('create, edit and delete a user through plain forms under the policy', async ({ page, javaScriptEnabled }) => {
  const violations = await watchPolicyViolations(page, javaScriptEnabled);
  const user = uniqueUser('cspnojs');
  const id = await createUserViaForm(page, user);

  await page.getByLabel('Name').fill(`${user.name} renamed`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(statusMessage(page, 'Changes saved.')).toBeVisible();

  await page.getByRole('button', { name: 'Delete user' }).click();
  await expect(page).toHaveURL(`/users/${id}/delete`);
  await page.getByRole('button', { name: `Yes, delete ${user.email}` }).click();
  await expect(page).toHaveURL('/users?deleted=1');
  await expect(statusMessage(page, 'User deleted.')).toBeVisible();
  expect(violations).toEqual([]);
});

test('create an organization, add a member and delete it through plain forms under the policy', async ({ page, request, javaScriptEnabled }) => {
  const violations = await watchPolicyViolations(page, javaScriptEnabled);
  const founder = await apiUser(request, 'cspnojsorg');
  const slug = uniqueSlug('cspnojsorg');
  const id = await createOrganizationViaForm(page, { name: `Org ${slug}`, slug, owner: founder.email });

  await addMemberViaForm(page, ownerEmail, 'member');
  await expect(statusMessage(page, 'Member added.')).toBeVisible();

  await page.getByRole('button', { name: 'Delete organization' }).click();
  await expect(page).toHaveURL(`/organizations/${id}/delete`);
  await page.getByRole('button', { name: `Yes, delete ${slug}` }).click();
  await expect(page).toHaveURL('/organizations?deleted=1');
  expect(violations).toEqual([]);
});

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('"Continue with …" goes on to the single sign-on provider: form-action allows its origin', async ({ page, javaScriptEnabled }) => {
    const violations = await watchPolicyViolations(page, javaScriptEnabled);
    await page.goto('/sign-in');
    // The form posts to the sign-in action, whose answer redirects the form's navigation to the provider.
    await page.getByRole('button', { name: /Continue with/ }).click();
    await expect(page).toHaveURL(new RegExp(`^${escapedOrigin(idpOrigin)}/interaction/`));
    expect(violations).toEqual([]);
  });
});
