import { expect } from '@playwright/test';
import { apiUser, createOrganizationViaForm, memberRow, uniqueSlug } from './organizations';
import { createScimConnectionViaForm, groupRow, pushUserAndGroup, scimRequest, scimSection } from './scim';
import { confirmAction, statusMessage, test } from './support';

// Project `js`: the organization page's SCIM provisioning section with JavaScript on.

test('make a connection, see a SCIM request in its journal, rotate, bind a group to admin, revoke (then 401)', async ({ page, request }) => {
  const founder = await apiUser(request, 'scimfounder');
  const slug = uniqueSlug('scimjs');
  const organizationId = await createOrganizationViaForm(page, { name: `Org ${slug}`, slug, owner: founder.email });

  const token = await createScimConnectionViaForm(page, 'Okta');
  const { email, group } = await pushUserAndGroup(request, token, slug);

  // The journal lists the requests, attribute names kept, values left out.
  await scimSection(page).getByRole('link', { name: 'Request journal of Okta' }).click();
  const journal = page.getByRole('region', { name: 'Request journal' });
  await expect(journal.getByRole('row').filter({ hasText: '/api/scim/v2/Users' }).first()).toContainText('201');
  await expect(journal).not.toContainText(email);

  await page.goto(`/organizations/${organizationId}`);
  const row = scimSection(page).getByRole('row').filter({ hasText: 'Okta' });
  await row.getByRole('button', { name: 'Rotate token of Okta' }).click();
  const rotated = await row.getByLabel('Secret', { exact: true }).inputValue();
  expect(rotated).toMatch(/^scim_/);
  expect(rotated).not.toBe(token);
  // Both work during the overlap.
  expect((await scimRequest(request, token, 'GET', '/Users?count=1')).status()).toBe(200);
  expect((await scimRequest(request, rotated, 'GET', '/Users?count=1')).status()).toBe(200);

  await page.reload();
  await groupRow(page, group).getByLabel('Role', { exact: true }).selectOption('admin');
  await groupRow(page, group).getByRole('button', { name: `Set role ${group}` }).click();
  await expect(statusMessage(page, `“${group}” grants the admin role.`)).toBeVisible();
  await page.reload();
  await expect(groupRow(page, group).getByLabel('Role', { exact: true })).toHaveValue('admin');
  await expect(memberRow(page, email).getByLabel('Role', { exact: true })).toHaveValue('admin');

  await confirmAction(page, scimSection(page).getByRole('row').filter({ hasText: 'Okta' }), 'Revoke Okta', { javaScript: true });
  await expect(statusMessage(page, 'Revoked “Okta”.')).toBeVisible();
  expect((await scimRequest(request, rotated, 'GET', '/Users?count=1')).status()).toBe(401);
  expect((await scimRequest(request, token, 'GET', '/Users?count=1')).status()).toBe(401);
});
