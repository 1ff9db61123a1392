import { expect, type APIRequestContext, type Browser } from '@playwright/test';
import { signInThroughApi, signUpMember, submitSignIn, type Account } from './accounts';
import { linkFromMail, mailTo } from './mail';
import { statusMessage } from './support';

// An invitation into an organization for an address that already has an account, followed from its email: the
// invitee signs in and joins with one button, and no second account is made. Run with JavaScript on and off.

async function bearerOf(request: APIRequestContext, baseURL: string, account: Account): Promise<string> {
  const response = await signInThroughApi(request, baseURL, account);
  return `Bearer ${response.headers()['set-auth-token']}`;
}

/** A member's verified address: they follow the link their sign-up emailed. */
async function verify(browser: Browser, account: Account): Promise<void> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(await linkFromMail(account.email, 'verify-email'));
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(statusMessage(page, `Thanks: ${account.email} is confirmed.`)).toBeVisible();
  await context.close();
}

export async function existingAccountJoinsFlow(browser: Browser, request: APIRequestContext, baseURL: string, javaScriptEnabled: boolean): Promise<void> {
  const founder = await signUpMember(request, baseURL, 'founder');
  const founderAuth = await bearerOf(request, baseURL, founder);
  const slug = `acme-${Date.now()}-${javaScriptEnabled ? 'js' : 'nojs'}`;
  const created = await request.post('/api/v1/organizations', { headers: { authorization: founderAuth }, data: { name: `Acme ${slug}`, slug } });
  expect(created.status(), await created.text()).toBe(201);
  const org = (await created.json()) as { id: string; name: string };

  const colleague = await signUpMember(request, baseURL, 'colleague');
  await verify(browser, colleague);
  const invited = await request.post(`/api/v1/organizations/${org.id}/invitations`, { headers: { authorization: founderAuth }, data: { email: colleague.email, role: 'admin' } });
  expect(invited.status(), await invited.text()).toBe(201);

  const link = await linkFromMail(colleague.email, 'invite');
  const invitation = (await mailTo(colleague.email)).find((mail) => mail.text.includes(link))!;
  expect(invitation.subject).toBe(`${founder.name} invited you to join ${org.name} on Roster`);
  expect(invitation.text).toContain(`as an admin.`);

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByRole('main')).toContainText(`You are invited to join ${org.name} as admin with your account ${colleague.email}.`);
  await page.getByRole('link', { name: `Sign in as ${colleague.email} to join` }).click();
  await submitSignIn(page, colleague.email, colleague.password);
  await expect(page).toHaveURL(link);
  await page.getByRole('button', { name: `Join ${org.name}` }).click();
  await expect(page).toHaveURL(/\/invite\/joined$/);
  await expect(page.getByRole('main')).toContainText('You joined the organization.');
  await context.close();

  const members = await request.get(`/api/v1/organizations/${org.id}/members`, { headers: { authorization: founderAuth } });
  const listed = ((await members.json()) as { items: { userId: string; email: string; role: string }[] }).items;
  expect(listed.find((member) => member.email === colleague.email)).toMatchObject({ userId: colleague.id, role: 'admin' });
}
