import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { apiUser, changeRoleViaForm, createOrganizationViaForm, memberRow, uniqueSlug } from './organizations';
import { confirmAction } from './support';

// Each error shows once (src/actions/action-state.ts bannerMessages), shared by field-errors.spec.ts (JavaScript on)
// and field-errors-no-js.spec.ts.

/** How many times `text` appears in what the page shows. */
async function timesShown(page: Page, text: string): Promise<number> {
  return (await page.locator('body').innerText()).split(text).length - 1;
}

/** A taken email: the message beside the Email field only, the banner pointing there. */
export async function expectFieldErrorOnce(page: Page, request: APIRequestContext): Promise<void> {
  const taken = await apiUser(request, 'takenemail');
  await page.goto('/users/new');
  await page.getByLabel('Email').fill(taken.email);
  await page.getByLabel('Name').fill('Second holder');
  await page.getByRole('button', { name: 'Create user' }).click();

  const message = 'A user with this email already exists';
  const email = page.getByLabel('Email');
  await expect(email).toHaveAccessibleDescription(message);
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert').filter({ hasText: 'Please fix the highlighted fields.' })).toBeVisible();
  expect(await timesShown(page, message)).toBe(1);
}

/**
 * The last-owner refusal, once each way: a member row's Remove has no Role field, so its banner says it; Change
 * role's Role field does, so it is said there.
 */
export async function expectLastOwnerRefusalOnce(page: Page, request: APIRequestContext, { javaScript }: { javaScript: boolean }): Promise<void> {
  const founder = await apiUser(request, 'lastowner');
  const slug = uniqueSlug('lastowner');
  await createOrganizationViaForm(page, { name: `Org ${slug}`, slug, owner: founder.email });
  const refusal = `the last owner of the organization “Org ${slug}”`;

  await confirmAction(page, memberRow(page, founder.email), `Remove ${founder.email}`, { javaScript });
  await expect(memberRow(page, founder.email).getByRole('alert')).toContainText(refusal);
  expect(await timesShown(page, refusal)).toBe(1);

  await page.goto(page.url()); // a GET: reloading a form post's page would post again
  await changeRoleViaForm(page, founder.email, 'member');
  await expect(memberRow(page, founder.email).getByLabel('Role', { exact: true })).toHaveAccessibleDescription(new RegExp(refusal));
  expect(await timesShown(page, refusal)).toBe(1);
}
