import { expect, type APIRequestContext, type Page, type Request } from '@playwright/test';
import { idpOrigin as IDP, rosterOrigin as ROSTER } from './origins';
import { test, uniqueUser } from './support';

/**
 * Single sign-on end to end: the browser goes from Roster's sign-in page to a real OpenID Provider
 * (tests/e2e/oidc-provider.mjs, started by playwright.config.ts) and back through Better Auth's callback.
 */
const CALLBACK = `${ROSTER}/api/auth/callback/oidc`;

// Every page starts signed out. (The `request` fixture from ./support calls /api/v1 as the owner.)
test.use({ storageState: { cookies: [], origins: [] } });

interface SessionBody {
  user: { id: string; email: string; role: string; status: string };
}

/** The Better Auth session of the page's browser context, read with its cookies. */
async function currentSession(page: Page): Promise<SessionBody | null> {
  const response = await page.request.get('/api/auth/get-session');
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()) as SessionBody | null;
}

/**
 * Signs in through the provider as `email`: "Continue with …" on /sign-in, then the provider's login form (any
 * password). Returns the authorization request the browser sent to the provider and the callback it came back to.
 */
async function signInWithProvider(page: Page, email: string): Promise<{ authorization: URL; callback: URL }> {
  const requests: Request[] = [];
  page.on('request', (request) => requests.push(request));

  await page.goto('/sign-in');
  await page.getByRole('button', { name: /Continue with/ }).click();

  await expect(page).toHaveURL(new RegExp(`^${IDP}/interaction/`));
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill('any password works here');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await expect(page).toHaveURL(new RegExp(`^${ROSTER}/`));

  const urls = requests.map((request) => new URL(request.url()));
  const authorization = urls.find((url) => url.origin === IDP && url.pathname === '/auth');
  const callback = urls.find((url) => `${url.origin}${url.pathname}` === CALLBACK);
  expect(authorization, 'the browser was sent to the provider’s authorization endpoint').toBeDefined();
  expect(callback, 'the provider sent the browser back to Better Auth’s callback').toBeDefined();
  return { authorization: authorization!, callback: callback! };
}

/** The authorization request is a PKCE (S256) code flow with state and nonce, to the registered redirect URI. */
function expectSecureAuthorizationRequest({ authorization, callback }: { authorization: URL; callback: URL }): void {
  const params = authorization.searchParams;
  expect(params.get('client_id')).toBe('roster-e2e');
  expect(params.get('response_type')).toBe('code');
  expect(params.get('redirect_uri')).toBe(CALLBACK);
  expect(params.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
  expect(params.get('code_challenge_method')).toBe('S256');
  // base64url(SHA-256(verifier)): 43 characters. The verifier itself never leaves Roster.
  expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(params.has('code_verifier')).toBe(false);
  expect(params.get('state')).toMatch(/^\S{16,}$/);
  expect(params.get('nonce')).toBeTruthy();

  // The provider answered with a code, the same state and its issuer (RFC 9207).
  expect(callback.searchParams.get('code')).toBeTruthy();
  expect(callback.searchParams.get('state')).toBe(params.get('state'));
  expect(callback.searchParams.get('iss')).toBe(IDP);
}

/** Creates an admin (no password, no linked account) through the REST API as the owner. */
async function createAdmin(request: APIRequestContext, user: { name: string; email: string }): Promise<string> {
  const response = await request.post('/api/v1/users', { data: { email: user.email, name: user.name, role: 'admin' } });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

test.describe('sign-in with OpenID Connect', () => {
  test('a brand-new email signs up as a member and is shown the not-allowed page', async ({ page }) => {
    const { email } = uniqueUser('oidcnew');

    const flow = await signInWithProvider(page, email);
    expectSecureAuthorizationRequest(flow);

    await expect(page).toHaveURL(/\/not-allowed$/);
    await expect(page.getByRole('heading', { level: 1, name: /can.t use the admin console/ })).toBeVisible();
    await expect(page.getByText(`signed in as ${email}`)).toBeVisible();

    // Signed in, as a new member: the console stays closed.
    const session = await currentSession(page);
    expect(session?.user).toMatchObject({ email, role: 'member', status: 'active' });
    await page.goto('/users');
    await expect(page).toHaveURL(/\/not-allowed$/);
  });

  test('the email of an existing admin is linked to that admin and lands on the overview', async ({ page, request }) => {
    const admin = uniqueUser('oidcadmin');
    const adminId = await createAdmin(request, admin);

    const flow = await signInWithProvider(page, admin.email);
    expectSecureAuthorizationRequest(flow);

    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();

    // The same user, not a new one: the provider's verified email linked the account.
    const session = await currentSession(page);
    expect(session?.user).toMatchObject({ id: adminId, email: admin.email, role: 'admin' });
  });
});
