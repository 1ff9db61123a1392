import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getAuth } from '@/auth';
import { getDatabase } from '@/db';
import { auditEvents, sessions, users } from '@/db/schema';
import * as authRoute from '../../app/api/auth/[...all]/route';
import { truncateAll } from '../support/database';
import { fromClient } from '../support/client-ip';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

// Better Auth's own endpoints, called over HTTP through the catch-all Route Handler, as browsers and apps do.
const BASE = 'http://localhost:3000';
const PASSWORD = 'a-long-enough-password';
const db = async () => (await getDatabase()).db;

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return authRoute.POST(
    new Request(`${BASE}/api/auth${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', origin: BASE, ...headers },
    }),
  );
}

async function signUp(email: string, extra: Record<string, unknown> = {}) {
  const response = await post('/sign-up/email', { email, password: PASSWORD, name: 'Someone', ...extra });
  expect(response.status).toBe(200);
  return response;
}

const signIn = (email: string, password = PASSWORD, ip = '203.0.113.7') =>
  post('/sign-in/email', { email, password }, fromClient(ip));

/** The `roster.session_token=…` pair from a sign-in response, to send back as a cookie. */
const sessionCookie = (response: Response) => response.headers.get('set-cookie')!.split(';')[0]!;

beforeEach(async () => truncateAll(await db()));
afterEach(() => vi.unstubAllEnvs());

describe('sign-up', () => {
  it('creates a member whatever the body says about role or status, and audits it', async () => {
    await signUp('New@Example.com', { role: 'owner', status: 'active' });

    const [user] = await (await db()).select().from(users);
    expect(user).toMatchObject({ email: 'new@example.com', role: 'member', status: 'active', version: 1 });
    const [event] = await (await db()).select().from(auditEvents).where(eq(auditEvents.subjectId, user!.id));
    expect(event).toMatchObject({ action: 'user.signed-up', actor: `user:${user!.id}`, door: 'api' });
  });

  it('rejects a password under 10 characters', async () => {
    const response = await post('/sign-up/email', { email: 'short@example.com', password: 'short', name: 'S' });
    expect(response.status).toBe(400);
    expect(await (await db()).select().from(users)).toHaveLength(0);
  });
});

describe('sign-in', () => {
  it('sets an httpOnly, SameSite=Lax session cookie and returns a bearer token', async () => {
    await signUp('ada@example.com');
    const response = await signIn('ada@example.com');

    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toMatch(/^roster\.session_token=[^;]+;.*HttpOnly; SameSite=Lax/);
    expect(response.headers.get('set-auth-token')).toBeTruthy();
  });

  it('refuses a suspended user, and creates no session', async () => {
    await signUp('sus@example.com');
    await (await db()).update(users).set({ status: 'suspended' }).where(eq(users.email, 'sus@example.com'));
    const before = (await (await db()).select().from(sessions)).length;

    const response = await signIn('sus@example.com');

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'ACCOUNT_SUSPENDED' });
    expect(await (await db()).select().from(sessions)).toHaveLength(before);
  });
});

describe('rate limits', () => {
  it('limits requests per IP, whatever their outcome, across accounts', async () => {
    vi.stubEnv('ROSTER_AUTH_RATE_LIMIT_IP', '2/60');
    const from = (ip: string, n: number) => signIn(`nobody${n}@example.com`, 'whatever-password', ip);

    expect((await from('192.0.2.10', 1)).status).toBe(401);
    expect((await from('192.0.2.10', 2)).status).toBe(401);
    const limited = await from('192.0.2.10', 3);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await from('192.0.2.11', 4)).status).toBe(401);
  });
});

describe('cross-site requests', () => {
  it('refuses a cookie-authenticated sign-out from another origin, and the session survives', async () => {
    await signUp('csrf@example.com');
    const cookie = sessionCookie(await signIn('csrf@example.com'));

    const forged = await post('/sign-out', {}, { cookie, origin: 'https://evil.example' });

    expect(forged.status).toBe(403);
    const auth = await getAuth();
    expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).not.toBeNull();
    expect((await post('/sign-out', {}, { cookie })).status).toBe(200);
    expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).toBeNull();
  });
});

describe('endpoints that would bypass the core', () => {
  it.each(['/update-user', '/change-email', '/delete-user'])('%s is disabled', async (path) => {
    await signUp('me@example.com');
    const cookie = sessionCookie(await signIn('me@example.com'));

    const response = await post(path, { name: 'Changed', newEmail: 'x@example.com' }, { cookie });

    expect(response.status).toBe(404);
    const [user] = await (await db()).select().from(users);
    expect(user).toMatchObject({ name: 'Someone', email: 'me@example.com' });
  });
});

describe('tokens', () => {
  it('issues a JWT only to a signed-in caller and publishes the keys to verify it', async () => {
    await signUp('jwt@example.com');
    const token = (await signIn('jwt@example.com')).headers.get('set-auth-token')!;

    const anonymous = await authRoute.GET(new Request(`${BASE}/api/auth/token`));
    const issued = await authRoute.GET(new Request(`${BASE}/api/auth/token`, { headers: { authorization: `Bearer ${token}` } }));
    const jwks = await authRoute.GET(new Request(`${BASE}/api/auth/jwks`));

    expect(anonymous.status).toBe(401);
    expect(issued.status).toBe(200);
    expect((await issued.json()).token.split('.')).toHaveLength(3);
    expect((await jwks.json()).keys.length).toBeGreaterThan(0);
  });

  it('mints none on a session read: a JWT comes from /token alone', async () => {
    await signUp('read@example.com');
    const cookie = sessionCookie(await signIn('read@example.com'));

    const session = await authRoute.GET(new Request(`${BASE}/api/auth/get-session`, { headers: { cookie } }));

    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ user: { email: 'read@example.com' } });
    expect(session.headers.get('set-auth-jwt')).toBeNull();
  });
});

describe('session reads', () => {
  // Every console request reads its session: with joins on, Better Auth fetches the session and its user together.
  it('reads a session and its current user in one query', async () => {
    await signUp('once@example.com');
    const cookie = sessionCookie(await signIn('once@example.com'));
    await (await db()).update(users).set({ name: 'Renamed', role: 'admin' }).where(eq(users.email, 'once@example.com'));
    // Drizzle sends every statement through its driver's query(): PGlite's, or the node-postgres pool's.
    const { $client: client } = (await db()) as unknown as { $client: { query: (...args: unknown[]) => unknown } };
    const queries = vi.spyOn(client, 'query');

    const session = await (await getAuth()).api.getSession({ headers: new Headers({ cookie }) });

    expect(queries).toHaveBeenCalledTimes(1);
    queries.mockRestore();
    expect(session?.user).toMatchObject({ email: 'once@example.com', name: 'Renamed', role: 'admin', status: 'active' });
    expect(session?.user.createdAt).toBeInstanceOf(Date);
    expect(session?.session.expiresAt).toBeInstanceOf(Date);
  });
});
