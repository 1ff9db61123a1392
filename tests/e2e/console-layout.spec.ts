import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createUserViaForm, uniqueUser } from './support';

// Every page under app/(console) and the auth pages; [id] pages get a user made here.
const consolePages = ['/dashboard', '/users', '/users/new', '/organizations', '/invitations', '/webhooks', '/integrations', '/audit', '/email', '/api-keys', '/account'];
const authPages = ['/sign-in', '/forgot-password', '/setup'];

/** The page is no wider than the viewport: nothing scrolls sideways. */
async function expectNoSidewaysScroll(page: Page, path: string) {
  await page.goto(path);
  const { scrollWidth, viewport, sticksOut } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    // What reaches past the right edge, so a failure names the culprit.
    sticksOut: [...document.body.querySelectorAll('*')]
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
      .filter((element) => {
        // Inside a box that scrolls or clips, it is that box's business, not the page's (unless it is positioned out
        // of it: an absolute element's box is its containing block's, which may lie outside the scroller).
        if (['absolute', 'fixed'].includes(getComputedStyle(element).position)) return true;
        for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) if (getComputedStyle(parent).overflowX !== 'visible') return false;
        return true;
      })
      .slice(0, 3)
      .map((element) => `<${element.tagName.toLowerCase()} class="${element.getAttribute('class') ?? ''}">`),
  }));
  expect(scrollWidth, `${path} is ${scrollWidth}px wide at ${viewport}px: ${sticksOut.join(', ')}`).toBeLessThanOrEqual(viewport);
}

/** Chooses a theme with the header's switch and waits for the server-rendered class. */
async function chooseTheme(page: Page, theme: 'system' | 'light' | 'dark') {
  await page.getByRole('form', { name: 'Theme' }).getByRole('button', { name: theme }).click();
  await expect(page.getByRole('form', { name: 'Theme' }).getByRole('button', { name: theme })).toHaveAttribute('aria-pressed', 'true');
}

test.describe('at 390 px', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('no console page scrolls sideways', async ({ page }) => {
    const id = await createUserViaForm(page, uniqueUser('narrow'));
    // A page is widest with rows in its table: at least one API key.
    await page.goto('/api-keys');
    await page.getByLabel('Name').fill(`narrow ${uniqueUser('narrow').token}`);
    await page.getByRole('button', { name: 'Create API key' }).click();
    await expect(page.getByLabel('Secret', { exact: true })).toBeVisible();
    for (const path of [...consolePages, `/users/${id}`, `/users/${id}/delete`, `/users/bulk?action=suspend&ids=${id}`]) await expectNoSidewaysScroll(page, path);
  });

  test('the users list fits a phone', async ({ page }) => {
    await createUserViaForm(page, uniqueUser('phone'));
    await expectNoSidewaysScroll(page, '/users');
    await expect(page.getByRole('table')).toBeVisible();
    // For the docs, not an assertion.
    await page.screenshot({ path: 'docs/screenshots/users-390.png', fullPage: true });
  });

  test('no auth page scrolls sideways', async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    for (const path of authPages) await expectNoSidewaysScroll(page, path);
    await context.close();
  });

  test('the navigation folds into a menu that opens', async ({ page }) => {
    await page.goto('/users');
    const organizations = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organizations' });
    await expect(organizations).toBeHidden();
    await page.getByText('Menu').click();
    await organizations.click();
    await expect(page).toHaveURL(/\/organizations$/);
  });
});

test.describe('themes', () => {
  test.afterEach(async ({ page }) => {
    await page.goto('/users');
    await chooseTheme(page, 'system');
  });

  test('the chosen theme is rendered by the server and follows the user to another browser', async ({ page, browser }) => {
    await page.goto('/users');
    await chooseTheme(page, 'dark');
    await expect(page.locator('html')).toHaveClass('dark');

    // Same user, no theme cookie: the choice comes from the user's record.
    const state = await page.context().storageState();
    const other = await browser.newContext({ storageState: { ...state, cookies: state.cookies.filter((cookie) => cookie.name !== 'roster-theme') } });
    const otherPage = await other.newPage();
    await otherPage.goto('/account');
    await expect(otherPage.locator('html')).toHaveClass('dark');
    await other.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`axe finds no contrast problems in the ${theme} theme`, async ({ page }) => {
      await createUserViaForm(page, uniqueUser(`axe${theme}`));
      await page.goto('/users');
      await chooseTheme(page, theme);
      for (const path of ['/users', '/audit', '/account']) {
        await page.goto(path);
        const results = await new AxeBuilder({ page }).withRules(['color-contrast']).analyze();
        expect(results.violations, `${path} in ${theme}`).toEqual([]);
      }
    });
  }
});

test.describe('users list', () => {
  test('sorts by a column, shows the range and total, and searches as you type; / focuses search', async ({ page }) => {
    const user = uniqueUser('sortable');
    await createUserViaForm(page, user);
    await page.goto('/users');
    await expect(page.getByText(/^1–\d+ of (about )?[\d,]+$/)).toBeVisible();

    await page.getByRole('columnheader', { name: /Name/ }).getByRole('link').click();
    await expect(page).toHaveURL(/sort=name/);
    await expect(page.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending');
    await page.getByRole('columnheader', { name: /Name/ }).getByRole('link').click();
    await expect(page.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending');

    await page.locator('body').press('/');
    await expect(page.getByLabel('Search', { exact: true })).toBeFocused();
    await page.keyboard.type(user.token);
    await expect(page).toHaveURL(new RegExp(`search=${user.token}`));
    await expect(page.getByRole('row').filter({ hasText: user.email })).toBeVisible();
    await expect(page.getByText(/^1–1 of 1$/)).toBeVisible();
  });
});
