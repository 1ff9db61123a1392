import { expect } from '@playwright/test';
import { apiUser, createOrganizationViaForm, memberRow, uniqueSlug } from './organizations';
import { createScimConnectionViaForm, groupRow, pushUserAndGroup, scimRequest } from './scim';
import { statusMessage, test } from './support';

// Project `no-js`: the SCIM section's forms are plain HTML form posts.

test('make a connection (token shown once) and bind a pushed group to admin without JavaScript', async ({ page, request }) => {
  const founder = await apiUser(request, 'scimnojsfounder');
  const slug = uniqueSlug('scimnojs');
  await createOrganizationViaForm(page, { name: `Org ${slug}`, slug, owner: founder.email });

  const post = page.waitForRequest((candidate) => candidate.method() === 'POST' && candidate.isNavigationRequest());
  const token = await createScimConnectionViaForm(page, 'Entra');
  await post;
  expect((await scimRequest(request, token, 'GET', '/ServiceProviderConfig')).status()).toBe(200);

  const { email, group } = await pushUserAndGroup(request, token, slug);
  // A reload would post the form again: load the page afresh.
  await page.goto(page.url());
  await groupRow(page, group).getByLabel('Role', { exact: true }).selectOption('admin');
  await groupRow(page, group).getByRole('button', { name: `Set role ${group}` }).click();
  await expect(statusMessage(page, `“${group}” grants the admin role.`)).toBeVisible();
  await expect(memberRow(page, email).getByLabel('Role', { exact: true })).toHaveValue('admin');
});
