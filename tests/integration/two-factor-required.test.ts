import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { idleState } from '@/actions/action-state';
import { refreshLiveViewAction } from '@/actions/refresh-live-view';
import { getAuth } from '@/auth';
import { getDatabase } from '@/db';
import { users } from '@/db/schema';
import { closeEventFeed } from '@/server/event-feed';
import { createUserAction } from '../../app/(console)/users/actions';
import * as consoleEventsRoute from '../../app/api/console/events/route';
import * as meRoute from '../../app/api/v1/me/route';
import * as usersRoute from '../../app/api/v1/users/route';
import { formData } from '../support/actions';
import { truncateAll } from '../support/database';
import { apiKeyFor, bearerFor, consoleRequestHeaders, setConsoleCookie, type SignedInUser } from '../support/principals';
import type { Problem } from '../support/problem';

// ROSTER_REQUIRE_2FA_FOR=admin on every door a user signs in through, decided by one rule
// (src/auth/two-factor-enrolment.ts): console pages and actions, the console's event stream, the live view's
// refresh, and /api/v1 with a session token or a JWT. API keys are not users and are never held back.

vi.mock('next/cache', () => ({ refresh: vi.fn(), updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn(), unstable_cache: (fn: unknown) => fn }));
vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders() }));

const BASE = 'http://localhost:3000';
const ENROL = 'Set up two-factor sign-in on your Account page (/account) first: it is required for admins and owners.';
const db = async () => (await getDatabase()).db;

const api = (route: typeof meRoute | typeof usersRoute, path: string, authorization: string) =>
  route.GET(new Request(`${BASE}${path}`, { headers: { authorization } }), { params: Promise.resolve({}) });
const consoleStream = () => consoleEventsRoute.GET(new Request(`${BASE}/api/console/events`, { headers: { 'sec-fetch-site': 'same-origin' } }));

/** Roster's own JWT for a signed-in user (GET /api/auth/token with their session). */
async function jwtOf(user: SignedInUser): Promise<string> {
  return (await (await getAuth()).api.getToken({ headers: new Headers(user.headers) })).token;
}
const enrol = async (user: SignedInUser) => (await db()).update(users).set({ twoFactorEnabled: true }).where(eq(users.id, user.userId));

async function expectEnrolFirst(response: Response): Promise<void> {
  if (response.status !== 403) await response.body?.cancel(); // a stream that opened would never end
  expect(response.status).toBe(403);
  const text = await response.text();
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(JSON.parse(text) as Problem).toMatchObject({ type: 'urn:roster:problem:forbidden', status: 403, detail: ENROL });
}

beforeEach(async () => {
  await truncateAll(await db());
  vi.stubEnv('ROSTER_REQUIRE_2FA_FOR', 'admin');
});
afterEach(() => {
  vi.unstubAllEnvs();
  setConsoleCookie(null);
});
afterAll(() => closeEventFeed());

describe('/api/v1', () => {
  it('refuses an admin or owner without two-factor, with a session token or a JWT: 403, enrol on the Account page', async () => {
    for (const role of ['admin', 'owner'] as const) {
      const user = await bearerFor(await db(), role);
      await expectEnrolFirst(await api(meRoute, '/api/v1/me', user.headers.authorization));
      await expectEnrolFirst(await api(usersRoute, '/api/v1/users', user.headers.authorization));
      await expectEnrolFirst(await api(meRoute, '/api/v1/me', `Bearer ${await jwtOf(user)}`));
    }
  });

  it('lets them through once enrolled; members, viewers and API keys were never held back', async () => {
    const admin = await bearerFor(await db(), 'admin');
    const jwt = await jwtOf(admin);
    await enrol(admin);
    expect((await api(usersRoute, '/api/v1/users', admin.headers.authorization)).status).toBe(200);
    expect((await api(meRoute, '/api/v1/me', `Bearer ${jwt}`)).status).toBe(200);

    expect((await api(usersRoute, '/api/v1/users', (await bearerFor(await db(), 'viewer')).headers.authorization)).status).toBe(200);
    expect((await api(meRoute, '/api/v1/me', (await bearerFor(await db(), 'member')).headers.authorization)).status).toBe(200);
    expect((await api(usersRoute, '/api/v1/users', (await apiKeyFor(await db(), ['users:read'])).headers.authorization)).status).toBe(200);
  });

  it('holds nobody back when unset', async () => {
    vi.stubEnv('ROSTER_REQUIRE_2FA_FOR', '');
    const admin = await bearerFor(await db(), 'admin');
    expect((await api(usersRoute, '/api/v1/users', admin.headers.authorization)).status).toBe(200);
  });
});

describe('the console', () => {
  it('its event stream refuses an admin without two-factor (403 problem+json), and opens once enrolled', async () => {
    const admin = await bearerFor(await db(), 'admin');
    setConsoleCookie(admin.cookie);
    await expectEnrolFirst(await consoleStream());

    await enrol(admin);
    const stream = await consoleStream();
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await stream.body!.cancel();
  });

  it('the live view’s refresh refuses an admin without two-factor, like every other action', async () => {
    const admin = await bearerFor(await db(), 'admin');
    setConsoleCookie(admin.cookie);
    expect(await refreshLiveViewAction([admin.userId])).toEqual({ status: 'error', message: `Not allowed: ${ENROL}`, values: {} });
    expect(await createUserAction(idleState, formData({ email: 'new@example.com', name: 'New', role: 'member', status: 'active' }))).toMatchObject({
      status: 'error',
      message: `Not allowed: ${ENROL}`,
    });

    await enrol(admin);
    expect(await refreshLiveViewAction([admin.userId])).toEqual({ status: 'success' });
  });
});
