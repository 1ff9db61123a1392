import { expect } from '@playwright/test';
import { addMemberViaForm, apiUser, changeRoleViaForm, createOrganizationViaForm, createOrganizationKeyViaForm, expectOnUserPage, invitationRow, inviteViaForm, memberRow, membersCell, organizationKeyRow, organizationPageUrl, uniqueSlug } from './organizations';
import { confirmAction, statusMessage, test } from './support';

// Project `no-js`: JavaScript is disabled, so every organization form is a plain HTML form post.

test('create an organization, add a member, change the role, see it on the user’s page, remove them, delete it', async ({ page, request }) => {
  const founder = await apiUser(request, 'nojsorgfounder');
  const colleague = await apiUser(request, 'nojsorgcolleague');
  const slug = uniqueSlug('orgnojs');
  const name = `Org ${slug}`;

  // Without JavaScript the submit is a document navigation (a real form post), not a fetch.
  const post = page.waitForRequest((request) => request.method() === 'POST' && request.isNavigationRequest());
  const id = await createOrganizationViaForm(page, { name, slug, owner: founder.email });
  expect(new URL((await post).url()).pathname).toBe('/organizations');

  await addMemberViaForm(page, colleague.email, 'admin');
  await expect(statusMessage(page, 'Member added.')).toBeVisible();
  await expect(memberRow(page, colleague.email).getByLabel('Role', { exact: true })).toHaveValue('admin');

  await changeRoleViaForm(page, colleague.email, 'member');
  await expect(memberRow(page, colleague.email).getByRole('status')).toHaveText('Role changed.');
  await expect(memberRow(page, colleague.email).getByLabel('Role', { exact: true })).toHaveValue('member');

  // The field error of an unknown user, the input kept.
  await addMemberViaForm(page, 'nobody-here@example.com', 'member');
  const user = page.getByRole('region', { name: 'Add a member' }).getByLabel('User (email or id)');
  await expect(user).toHaveAccessibleDescription('No user has this email');
  await expect(user).toHaveValue('nobody-here@example.com');

  await expectOnUserPage(page, colleague.id, name, 'member');

  await confirmAction(page, memberRow(page, colleague.email), `Remove ${colleague.email}`, { javaScript: false });
  await expect(memberRow(page, colleague.email)).toHaveCount(0);

  // The last owner stays one.
  await changeRoleViaForm(page, founder.email, 'member');
  await expect(memberRow(page, founder.email).getByLabel('Role', { exact: true })).toHaveAccessibleDescription(/the last owner/);

  // Deleting goes through the confirmation page.
  await page.getByRole('button', { name: 'Delete organization' }).click();
  await expect(page).toHaveURL(`/organizations/${id}/delete`);
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(organizationPageUrl);
  await page.getByRole('button', { name: 'Delete organization' }).click();
  await page.getByRole('button', { name: `Yes, delete ${slug}` }).click();
  await expect(page).toHaveURL('/organizations?deleted=1');
  await expect(statusMessage(page, 'Organization deleted.')).toBeVisible();
});

test('searches with the GET form', async ({ page, request }) => {
  const founder = await apiUser(request, 'nojsorgsearch');
  const slug = uniqueSlug('orgsearch');
  await createOrganizationViaForm(page, { name: `Org ${slug}`, slug, owner: founder.email });

  await page.goto('/organizations');
  await page.getByLabel('Search', { exact: true }).fill(slug.toUpperCase());
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/organizations' && url.searchParams.get('q') === slug.toUpperCase());
  await expect(membersCell(page, slug)).toHaveText('1');
  await page.getByRole('link', { name: `Org ${slug}` }).click();
  await expect(page).toHaveURL(organizationPageUrl);
});

test('invites, withdraws, creates a key and revokes it with plain form posts; the export links download', async ({ page, request }) => {
  const founder = await apiUser(request, 'nojsorginv');
  const slug = uniqueSlug('orginvnojs');
  const id = await createOrganizationViaForm(page, { name: `Org ${slug}`, slug, owner: founder.email });

  // A field error, the input kept.
  await inviteViaForm(page, 'not an email', 'member');
  const email = page.getByRole('region', { name: 'Invitations' }).getByLabel('Email');
  await expect(email).toHaveAccessibleDescription('Enter a valid email address');
  await expect(email).toHaveValue('not an email');

  const invitee = `invitee-${slug}@example.com`;
  await inviteViaForm(page, invitee, 'member');
  await expect(statusMessage(page, `Invited ${invitee}. The link works once, for 7 days.`)).toBeVisible();
  await expect(invitationRow(page, invitee)).toContainText('member');
  await confirmAction(page, invitationRow(page, invitee), `Revoke ${invitee}`, { javaScript: false });
  await expect(invitationRow(page, invitee)).toHaveCount(0);

  const name = `CRM ${slug}`;
  await createOrganizationKeyViaForm(page, name);
  await confirmAction(page, organizationKeyRow(page, name), /^Revoke/, { javaScript: false });
  await expect(statusMessage(page, `Revoked “${name}”.`)).toBeVisible();
  await expect(organizationKeyRow(page, name)).toContainText('revoked');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  expect((await download).suggestedFilename()).toMatch(/\.csv$/);
  expect(new URL((await download).url()).pathname).toBe(`/api/console/organizations/${id}/members/export`);
});
