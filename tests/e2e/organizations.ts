import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { statusMessage, uniqueUser } from './support';

// The organization pages' steps, shared by organizations.spec.ts (JavaScript on) and organizations-no-js.spec.ts.

export const organizationPageUrl = /\/organizations\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\?.*)?$/;

/** A user made through the API (the `request` fixture of ./support acts as the owner), to add to organizations. */
export async function apiUser(request: APIRequestContext, label: string) {
  const user = uniqueUser(label);
  const response = await request.post('/api/v1/users', { data: { email: user.email, name: user.name } });
  expect(response.status()).toBe(201);
  return { ...user, id: ((await response.json()) as { id: string }).id };
}

/** Creates an organization with the Organizations page's form, `owner` (an email) its first owner; ends on its page. */
export async function createOrganizationViaForm(page: Page, organization: { name: string; slug: string; owner: string }): Promise<string> {
  await page.goto('/organizations');
  const form = page.getByRole('region', { name: 'New organization' });
  await form.getByLabel('Name').fill(organization.name);
  await form.getByLabel('Slug').fill(organization.slug);
  await form.getByLabel('First owner (email or user id)').fill(organization.owner);
  await form.getByRole('button', { name: 'Create organization' }).click();
  await expect(page).toHaveURL(organizationPageUrl);
  await expect(statusMessage(page, 'Organization created.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: organization.name })).toBeVisible();
  return new URL(page.url()).pathname.split('/').at(-1)!;
}

/** The members table's row of this email. */
export function memberRow(page: Page, email: string): Locator {
  return page.getByRole('region', { name: 'Members' }).getByRole('row').filter({ hasText: email });
}

/** The Members cell of the organizations list's row of this slug. */
export function membersCell(page: Page, slug: string): Locator {
  return page.getByRole('row').filter({ hasText: slug }).getByRole('cell').nth(2);
}

/** Adds an existing user by email with the "Add a member" form. */
export async function addMemberViaForm(page: Page, email: string, role: string): Promise<void> {
  const form = page.getByRole('region', { name: 'Add a member' });
  await form.getByLabel('User (email or id)').fill(email);
  await form.getByLabel('Role', { exact: true }).selectOption(role);
  await form.getByRole('button', { name: 'Add member' }).click();
}

/** Changes a member's role with the form in their row. */
export async function changeRoleViaForm(page: Page, email: string, role: string): Promise<void> {
  const row = memberRow(page, email);
  await row.getByLabel('Role', { exact: true }).selectOption(role);
  await row.getByRole('button', { name: `Change role ${email}` }).click();
}

/** Goes to the user's page and checks that it lists the organization with this role. */
export async function expectOnUserPage(page: Page, userId: string, organization: string, role: string): Promise<void> {
  await page.goto(`/users/${userId}`);
  const panel = page.getByRole('region', { name: 'Organizations' });
  await expect(panel.getByRole('listitem').filter({ hasText: organization })).toContainText(role);
  await panel.getByRole('link', { name: organization }).click();
  await expect(page).toHaveURL(organizationPageUrl);
  await expect(page.getByRole('heading', { level: 1, name: organization })).toBeVisible();
}

/** A slug no other test uses: the database lives for the whole run. */
export const uniqueSlug = (label: string) => uniqueUser(label).token;

/** The pending invitations table's row of this email. */
export function invitationRow(page: Page, email: string): Locator {
  return page.getByRole('region', { name: 'Invitations' }).getByRole('row').filter({ hasText: email });
}

/** Invites `email` with `role` with the organization page's "Invite" form. */
export async function inviteViaForm(page: Page, email: string, role: string): Promise<void> {
  const section = page.getByRole('region', { name: 'Invitations' });
  await section.getByLabel('Email').fill(email);
  await section.getByLabel('Role', { exact: true }).selectOption(role);
  await section.getByRole('button', { name: 'Send invitation' }).click();
}

/** The organization's keys table's row of this key name. */
export function organizationKeyRow(page: Page, name: string): Locator {
  return page.getByRole('region', { name: 'API keys' }).getByRole('row').filter({ hasText: name });
}

/** Creates a key of the organization named `name` with organizations:read (ticked by default); returns its secret, shown once. */
export async function createOrganizationKeyViaForm(page: Page, name: string): Promise<string> {
  const section = page.getByRole('region', { name: 'API keys' });
  await section.getByLabel('Name').fill(name);
  await section.getByRole('button', { name: 'Create API key' }).click();
  await expect(statusMessage(page, "Copy this secret now: it won't be shown again.")).toBeVisible();
  const secret = await page.getByLabel('Secret', { exact: true }).inputValue();
  expect(secret).toMatch(/^rst_[\w-]{40,}$/);
  await expect(organizationKeyRow(page, name)).toContainText('organizations:read');
  await expect(organizationKeyRow(page, name)).not.toContainText(secret);
  return secret;
}
