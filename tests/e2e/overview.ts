import { expect, type APIRequestContext, type Page } from '@playwright/test';

interface Metrics {
  computedAt: string | null;
  totals: { users: number; organizations: number; activeSessions: number };
  mailOutbox: { queued: number; failed: number };
  usersPerPlan: { plan: string; users: number }[];
  days: { signUps: number }[];
}

const shown = async (page: Page, testId: string) => Number((await page.getByTestId(testId).innerText()).replaceAll(',', ''));

/**
 * The overview shows the numbers GET /api/v1/metrics answers (one core function behind both), and its charts are
 * SVG rendered by the server. The rollup may run between reading the page and the API, so the pair is read again
 * until both come from the same pass.
 */
export async function expectOverviewMatchesApi(page: Page, request: APIRequestContext): Promise<void> {
  await expect(async () => {
    await page.goto('/dashboard?range=30d');
    const response = await request.get('/api/v1/metrics?range=30d');
    expect(response.status()).toBe(200);
    const metrics = (await response.json()) as Metrics;
    expect(metrics.computedAt).not.toBeNull();
    expect(await shown(page, 'total-users')).toBe(metrics.totals.users);
    expect(await shown(page, 'total-organizations')).toBe(metrics.totals.organizations);
    expect(await shown(page, 'total-sessions')).toBe(metrics.totals.activeSessions);
    expect(await shown(page, 'mail-queued')).toBe(metrics.mailOutbox.queued);
    expect(await shown(page, 'mail-failed')).toBe(metrics.mailOutbox.failed);
    for (const { plan, users } of metrics.usersPerPlan) await expect(page.getByTestId(`plan-${plan}`)).toContainText(users.toLocaleString('en-US'));
  }).toPass();
  expect(await shown(page, 'total-users')).toBeGreaterThan(0);

  // Three charts, drawn on the server: SVG with a native tooltip per day and today marked incomplete.
  await expect(page.locator('svg[data-chart="bar"]')).toHaveCount(2);
  await expect(page.locator('svg[data-chart="line"]')).toHaveCount(1);
  await expect(page.locator('svg[data-chart="bar"]').first().locator('title')).toHaveCount(30);
  await expect(page.locator('svg[data-chart="bar"]').first().locator('title').last()).toHaveText(/incomplete/);
  await expect(page.locator('svg [data-incomplete="true"]')).toHaveCount(3);
}
