import { expect, type Page } from '@playwright/test';
import { statusMessage, test, uniqueUser } from './support';

// Issue 26.16: text in a link's query string is never shown as a message. A parameter may select one of the
// page's own messages (`?deleted=1`), but whatever else it says appears nowhere on the page outside the form
// fields that hold it (a search box keeps its search).

const planted = 'Your account is locked, call +1 555 0100 PLANTED';

/** What the page shows as text: the title and the body, without form controls (their values) or scripts. */
function shownText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement;
    body.querySelectorAll('input, select, textarea, script, template').forEach((node) => node.remove());
    return `${document.title}\n${body.textContent ?? ''}`;
  });
}

async function expectNotShown(page: Page, path: string, parameters: readonly string[]): Promise<void> {
  for (const parameter of parameters) {
    const url = `${path}${path.includes('?') ? '&' : '?'}${parameter}=${encodeURIComponent(planted)}`;
    await page.goto(url);
    expect(await shownText(page), url).not.toContain('PLANTED');
  }
}

test('console pages show no text from their query strings', async ({ page, request }) => {
  const user = uniqueUser('reflected');
  const created = await request.post('/api/v1/users', { data: { email: user.email, name: user.name, role: 'member' } });
  const { id } = (await created.json()) as { id: string };

  await expectNotShown(page, '/users', ['deleted', 'created', 'search', 'role', 'status', 'plan', 'subscriptionStatus', 'cursor']);
  await expectNotShown(page, `/users/${id}`, ['created', 'deleted']);
  await expectNotShown(page, '/users/new', ['created']);
  await expectNotShown(page, '/integrations', ['deleted']);
  await expectNotShown(page, '/account', ['password', 'two-factor']);
  await expectNotShown(page, '/audit', ['type', 'actor', 'subjectType', 'subjectId', 'door', 'from', 'to', 'cursor']);
  const organization = await request.post('/api/v1/organizations', { data: { name: `Org ${user.token}`, slug: user.token, ownerId: id } });
  const { id: orgId } = (await organization.json()) as { id: string };
  await expectNotShown(page, '/organizations', ['deleted', 'created', 'q', 'cursor']);
  await expectNotShown(page, `/organizations/${orgId}`, ['created', 'deleted', 'cursor']);
  // An unknown event type beside a known one, as the API's comma-separated list takes them.
  await page.goto(`/audit?type=${encodeURIComponent(`user.created,${planted}`)}`);
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Unknown event type');
  expect(await shownText(page)).not.toContain('PLANTED');
});

test('a flag selects the page’s own message; any other value selects none', async ({ page }) => {
  await page.goto(`/users?deleted=${encodeURIComponent(planted)}`);
  // The page's own status line (the live view's "Live") may show; no message about a deletion may.
  await expect(statusMessage(page, /deleted/)).toHaveCount(0);
  await page.goto('/users?deleted=1');
  await expect(statusMessage(page, 'User deleted.')).toBeVisible();
  await page.goto(`/organizations?deleted=${encodeURIComponent(planted)}`);
  await expect(statusMessage(page, /deleted/)).toHaveCount(0);
  await page.goto('/organizations?deleted=1');
  await expect(statusMessage(page, 'Organization deleted.')).toBeVisible();
});

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('the sign-in pages show no text from their query strings', async ({ page }) => {
    await expectNotShown(page, '/sign-in', ['error', 'notice', 'next']);
    await expectNotShown(page, '/sign-in/two-factor', ['next', 'error']);
    await expectNotShown(page, '/forgot-password', ['error', 'notice']);
  });
});
