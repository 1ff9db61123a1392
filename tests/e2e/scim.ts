import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { statusMessage } from './support';

// The organization page's SCIM provisioning section, shared by scim.spec.ts (JavaScript on) and scim-no-js.spec.ts.

/** The SCIM provisioning section of the organization page. */
export const scimSection = (page: Page): Locator => page.getByRole('region', { name: 'SCIM provisioning' });

/** Makes a connection with the section's form; returns its token, shown this once. */
export async function createScimConnectionViaForm(page: Page, name: string): Promise<string> {
  const section = scimSection(page);
  await section.getByLabel('Name').fill(name);
  await section.getByRole('button', { name: 'Create SCIM connection' }).click();
  await expect(statusMessage(page, `Created the SCIM connection “${name}”.`)).toBeVisible();
  const token = await section.getByLabel('Secret', { exact: true }).inputValue();
  expect(token).toMatch(/^scim_[\w-]{40,}$/);
  return token;
}

/** A request as an identity provider sends it, with the connection's token instead of the owner's credential. */
export function scimRequest(request: APIRequestContext, token: string, method: 'GET' | 'POST', path: string, data?: unknown) {
  return request.fetch(`/api/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(data === undefined ? {} : { 'content-type': 'application/scim+json' }) },
    ...(data === undefined ? {} : { data: JSON.stringify(data) }),
  });
}

/** Provisions a user and pushes a group holding them; returns the group's name. */
export async function pushUserAndGroup(request: APIRequestContext, token: string, label: string): Promise<{ email: string; group: string }> {
  const email = `${label}@example.com`;
  const user = await scimRequest(request, token, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: email, emails: [{ value: email, primary: true }] });
  expect(user.status()).toBe(201);
  const group = `Admins ${label}`;
  const pushed = await scimRequest(request, token, 'POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: group,
    members: [{ value: ((await user.json()) as { id: string }).id }],
  });
  expect(pushed.status()).toBe(201);
  return { email, group };
}

/** The SCIM section's row of this group. */
export const groupRow = (page: Page, group: string): Locator => page.getByRole('region', { name: 'Groups and roles' }).getByRole('row').filter({ hasText: group });
