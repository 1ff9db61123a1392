import { expect } from '@playwright/test';
import { addMemberViaForm, apiUser, changeRoleViaForm, createOrganizationViaForm, createOrganizationKeyViaForm, expectOnUserPage, invitationRow, inviteViaForm, memberRow, membersCell, organizationKeyRow, uniqueSlug } from './organizations';
import { confirmAction, holdPosts, statusMessage, test } from './support';

// Project `js`: the organization pages with JavaScript on (actions through React, confirmations in a dialog).

test('create an organization, add a member, change the role, see it on the user’s page, remove them', async ({ page, request }) => {
  const founder = await apiUser(request, 'orgfounder');
  const colleague = await apiUser(request, 'orgcolleague');
  const slug = uniqueSlug('orgjs');
  const name = `Org ${slug}`;
  await createOrganizationViaForm(page, { name, slug, owner: founder.email });
  await expect(memberRow(page, founder.email).getByLabel('Role', { exact: true })).toHaveValue('owner');
  // Survives client-side updates, not a document load: the actions below re-render the page in place.
  await page.evaluate(() => ((window as unknown as { e2eMarker: string }).e2eMarker = 'still here'));

  await addMemberViaForm(page, colleague.email, 'admin');
  await expect(statusMessage(page, 'Member added.')).toBeVisible();
  await expect(memberRow(page, colleague.email).getByLabel('Role', { exact: true })).toHaveValue('admin');

  await changeRoleViaForm(page, colleague.email, 'member');
  await expect(memberRow(page, colleague.email).getByRole('status')).toHaveText('Role changed.');
  await expect(page.getByRole('region', { name: 'History' }).getByRole('listitem').filter({ hasText: 'member.role-changed' }).first()).toContainText(colleague.email);
  expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe('still here');

  // The list shows it, with its two members.
  await page.goto(`/organizations?q=${slug}`);
  await expect(membersCell(page, slug)).toHaveText('2');

  await expectOnUserPage(page, colleague.id, name, 'member');

  await confirmAction(page, memberRow(page, colleague.email), `Remove ${colleague.email}`, { javaScript: true });
  await expect(memberRow(page, colleague.email)).toHaveCount(0);
  await page.goto(`/users/${colleague.id}`);
  await expect(page.getByText('Not a member of any organization.')).toBeVisible();
});

test('the last owner stays one: the refusal shows in the form, and the pending state while the action runs', async ({ page, request }) => {
  const founder = await apiUser(request, 'orglast');
  const slug = uniqueSlug('orglast');
  await createOrganizationViaForm(page, { name: `Org ${slug}`, slug, owner: founder.email });

  // Hold the action's POST until the pending state has been checked, so the check cannot race the server.
  const release = await holdPosts(page, '**/organizations/*');
  const row = memberRow(page, founder.email);
  await row.getByLabel('Role', { exact: true }).selectOption('member');
  await row.getByRole('button', { name: `Change role ${founder.email}` }).click();
  await expect(row.getByRole('button', { name: 'Changing…' })).toBeDisabled();
  release();
  // At the Role field (the refusal is about it), the banner pointing there.
  await expect(row.getByLabel('Role', { exact: true })).toHaveAccessibleDescription(new RegExp(`the last owner of the organization “Org ${slug}”`));
  await expect(row.getByRole('alert').first()).toContainText('Please fix the highlighted fields.');
  await page.reload();
  await expect(memberRow(page, founder.email).getByLabel('Role', { exact: true })).toHaveValue('owner');
});

test('edits the details in place, and deletes the organization after a confirmation', async ({ page, request }) => {
  const founder = await apiUser(request, 'orgedit');
  const slug = uniqueSlug('orgedit');
  await createOrganizationViaForm(page, { name: `Org ${slug}`, slug, owner: founder.email });

  const details = page.getByRole('region', { name: 'Details' });
  await details.getByLabel('Name').fill(`Renamed ${slug}`);
  await details.getByRole('button', { name: 'Save changes' }).click();
  await expect(statusMessage(page, 'Changes saved.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: `Renamed ${slug}` })).toBeVisible();
  await expect(page.getByText(`${slug} · plan free · version 2`)).toBeVisible();

  await page.getByRole('button', { name: 'Delete organization' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete organization' }).click();
  await expect(page).toHaveURL('/organizations?deleted=1');
  await expect(statusMessage(page, 'Organization deleted.')).toBeVisible();
  await page.goto(`/organizations?q=${slug}`);
  await expect(page.getByText('No organizations match this search.')).toBeVisible();
});

test('the list and an organization’s page show changes made through the API without a reload', async ({ page, request }) => {
  const founder = await apiUser(request, 'orglive');
  const colleague = await apiUser(request, 'orglivecolleague');
  const slug = uniqueSlug('orglive');
  const live = page.getByRole('status').filter({ hasText: 'Live' });
  await page.goto(`/organizations?q=${slug}`);
  await expect(page.getByText('No organizations match this search.')).toBeVisible();
  await expect(live).toBeVisible();
  await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 42));

  const created = await request.post('/api/v1/organizations', { data: { name: `Org ${slug}`, slug, ownerId: founder.id } });
  expect(created.status(), await created.text()).toBe(201);
  await expect(membersCell(page, slug)).toHaveText('1');
  expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(42);

  const { id } = (await created.json()) as { id: string };
  await page.goto(`/organizations/${id}`);
  await expect(live).toBeVisible();
  await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 43));
  expect((await request.post(`/api/v1/organizations/${id}/members`, { data: { userId: colleague.id, role: 'admin' } })).status()).toBe(201);
  await expect(memberRow(page, colleague.email).getByLabel('Role', { exact: true })).toHaveValue('admin');
  expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(43);
});

test('invites someone and withdraws it; creates a key of the organization, shown once, that works until revoked', async ({ page, request, playwright, baseURL }) => {
  const founder = await apiUser(request, 'orginvjs');
  const slug = uniqueSlug('orginvjs');
  const id = await createOrganizationViaForm(page, { name: `Org ${slug}`, slug, owner: founder.email });

  const invitee = `invitee-${slug}@example.com`;
  await inviteViaForm(page, invitee, 'admin');
  await expect(statusMessage(page, `Invited ${invitee}. The link works once, for 7 days.`)).toBeVisible();
  await expect(invitationRow(page, invitee)).toContainText('admin');
  await confirmAction(page, invitationRow(page, invitee), `Revoke ${invitee}`, { javaScript: true });
  await expect(invitationRow(page, invitee)).toHaveCount(0);

  const name = `CRM ${slug}`;
  const secret = await createOrganizationKeyViaForm(page, name);
  const api = await playwright.request.newContext({ baseURL });
  try {
    const authorized = { headers: { authorization: `Bearer ${secret}` } };
    expect((await api.get(`/api/v1/organizations/${id}/members`, authorized)).status()).toBe(200);
    await confirmAction(page, organizationKeyRow(page, name), /^Revoke/, { javaScript: true });
    await expect(statusMessage(page, `Revoked “${name}”.`)).toBeVisible();
    await expect(organizationKeyRow(page, name)).toContainText('revoked');
    expect((await api.get(`/api/v1/organizations/${id}/members`, authorized)).status()).toBe(401);
  } finally {
    await api.dispose();
  }
});
