import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { idleState } from '@/actions/action-state';
import { createAuth, type Auth } from '@/auth/auth';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents, users } from '@/db/schema';
import { changePasswordAction, revokeOtherSessionsAction, revokeSessionAction } from '../../app/(console)/account/actions';
import { signInAction } from '../../app/sign-in/actions';
import { formData, redirectTarget } from '../support/actions';
import { BASE, Client } from '../support/auth-http';
import { fromClient } from '../support/client-ip';
import { describeEachDatabase, truncateAll } from '../support/database';
import { requestHeaders } from '../support/next-headers';
import { reservePorts } from '../support/ports';
import { authFor, insertUser, signIn, TEST_PASSWORD } from '../support/principals';

// The audit trail of sign-ins and account security: each real flow (Better Auth over HTTP, the console's actions, a
// real OpenID provider) leaves its event in the log, with who, the door and the client IP, and never a secret.

vi.mock('next/cache', () => ({ refresh: vi.fn(), updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn(), unstable_cache: (fn: unknown) => fn }));
vi.mock('next/headers', async () => (await import('../support/next-headers')).nextHeadersMock);

const WRONG_PASSWORD = 'not the password at all';
const NEW_PASSWORD = 'a brand new passphrase';
const PERIOD_MS = 30_000;
const T0 = Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS;
const at = (steps: number) => T0 + steps * PERIOD_MS;

/** Every secret a test typed or was shown: no event may contain any of them. */
let secrets: string[] = [];

async function eventsIn(db: Database, type?: string) {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(type ? eq(auditEvents.action, type) : undefined)
    .orderBy(asc(auditEvents.id));
  return rows.map(({ action, actor, door, subjectType, subjectId, data }) => ({ action, actor, door, subjectType, subjectId, data }));
}

async function expectNoSecretIn(db: Database): Promise<void> {
  const log = JSON.stringify(await eventsIn(db));
  for (const secret of secrets) expect(log).not.toContain(secret);
}

beforeEach(() => {
  secrets = [TEST_PASSWORD, WRONG_PASSWORD, NEW_PASSWORD];
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describeEachDatabase('the audit trail of Better Auth’s endpoints, over HTTP', (db) => {
  afterEach(async () => expectNoSecretIn(db()));

  const client = async (ip: string) => new Client(await authFor(db()), ip);

  it('a password sign-in: user.signed-in by the user, door api, with the method and client IP', async () => {
    const user = await insertUser(db(), 'admin', { password: true });
    const browser = await client('203.0.113.10');
    expect((await browser.post('/sign-in/email', { email: user.email, password: TEST_PASSWORD })).status).toBe(200);

    expect(await eventsIn(db())).toEqual([
      {
        action: 'user.signed-in',
        actor: `user:${user.id}`,
        door: 'api',
        subjectType: 'user',
        subjectId: user.id,
        data: { user: expect.objectContaining({ id: user.id, email: user.email }), method: 'password', clientIp: '203.0.113.10' },
      },
    ]);
  });

  it('failed sign-ins: the reason code and the email typed, by nobody, about the account when there is one', async () => {
    const user = await insertUser(db(), 'member', { password: true });
    const suspended = await insertUser(db(), 'member', { password: true, status: 'suspended' });
    const browser = await client('203.0.113.11');
    expect((await browser.post('/sign-in/email', { email: user.email.toUpperCase(), password: WRONG_PASSWORD })).status).toBe(401);
    expect((await browser.post('/sign-in/email', { email: 'nobody@example.com', password: WRONG_PASSWORD })).status).toBe(401);
    expect((await browser.post('/sign-in/email', { email: suspended.email, password: TEST_PASSWORD })).status).toBe(403);

    const failed = (email: string, reason: string) => ({ method: 'password', reason, email, clientIp: '203.0.113.11' });
    expect(await eventsIn(db(), 'user.sign-in-failed')).toEqual([
      expect.objectContaining({ actor: 'anonymous', door: 'api', subjectId: user.id, data: expect.objectContaining(failed(user.email.toUpperCase(), 'invalid-credentials')) }),
      expect.objectContaining({ actor: 'anonymous', door: 'api', subjectId: null, data: failed('nobody@example.com', 'invalid-credentials') }),
      expect.objectContaining({ actor: 'anonymous', door: 'api', subjectId: suspended.id, data: expect.objectContaining(failed(suspended.email, 'suspended')) }),
    ]);
  });

  it('the brute-force block: user.locked-out, and the blocked attempt is not also a failed sign-in', async () => {
    vi.stubEnv('ROSTER_AUTH_FAILURES_PER_ACCOUNT_IP', '2/900');
    const user = await insertUser(db(), 'owner', { password: true });
    const attacker = await client('203.0.113.12');
    for (let i = 0; i < 2; i++) expect((await attacker.post('/sign-in/email', { email: user.email, password: WRONG_PASSWORD })).status).toBe(401);
    expect((await attacker.post('/sign-in/email', { email: user.email, password: TEST_PASSWORD })).status).toBe(429);

    expect((await eventsIn(db())).map((event) => event.action)).toEqual(['user.sign-in-failed', 'user.sign-in-failed', 'user.locked-out']);
    expect(await eventsIn(db(), 'user.locked-out')).toEqual([
      expect.objectContaining({
        actor: 'anonymous',
        door: 'api',
        subjectId: user.id,
        data: expect.objectContaining({ method: 'password', email: user.email, retryAfterSeconds: 900, clientIp: '203.0.113.12' }),
      }),
    ]);
  });

  it('two-factor: enabled, the code step of a sign-in (wrong, replayed, right, a recovery code), disabled', async () => {
    const user = await insertUser(db(), 'admin', { password: true });
    const phone = await client('203.0.113.13');
    await phone.post('/sign-in/email', { email: user.email, password: TEST_PASSWORD });
    const { totpURI, backupCodes } = (await (await phone.post('/two-factor/enable', { password: TEST_PASSWORD })).json()) as { totpURI: string; backupCodes: string[] };
    const totp = OTPAuth.URI.parse(totpURI) as OTPAuth.TOTP;
    secrets.push(totp.secret.base32, ...backupCodes);
    expect((await phone.post('/two-factor/verify-totp', { code: totp.generate({ timestamp: at(0) }) })).status).toBe(200);

    const challenge = async () => {
      const browser = await client('203.0.113.14');
      expect(await (await browser.post('/sign-in/email', { email: user.email, password: TEST_PASSWORD })).json()).toMatchObject({ twoFactorRedirect: true });
      return browser;
    };
    vi.setSystemTime(at(4));
    const laptop = await challenge();
    expect((await laptop.post('/two-factor/verify-totp', { code: totp.generate({ timestamp: at(-6) }) })).status).toBe(401);
    expect((await laptop.post('/two-factor/verify-totp', { code: totp.generate({ timestamp: at(4) }) })).status).toBe(200);
    const replay = await challenge();
    expect((await replay.post('/two-factor/verify-totp', { code: totp.generate({ timestamp: at(4) }) })).status).toBe(401);
    expect((await replay.post('/two-factor/verify-backup-code', { code: backupCodes[0] })).status).toBe(200);
    expect((await phone.post('/two-factor/disable', { password: TEST_PASSWORD })).status).toBe(200);

    const trail = (await eventsIn(db())).map(({ action, actor, subjectId, data: { method, reason, clientIp } }) => ({ action, actor, subjectId, method, reason, clientIp }));
    const byUser = { actor: `user:${user.id}`, subjectId: user.id };
    const byNobody = { actor: 'anonymous', subjectId: user.id };
    expect(trail).toEqual([
      { action: 'user.signed-in', ...byUser, method: 'password', reason: undefined, clientIp: '203.0.113.13' },
      { action: 'user.two-factor-enabled', ...byUser, method: undefined, reason: undefined, clientIp: '203.0.113.13' },
      // The password step of a two-factor sign-in is no sign-in yet.
      { action: 'user.sign-in-failed', ...byNobody, method: 'totp', reason: 'invalid-code', clientIp: '203.0.113.14' },
      { action: 'user.signed-in', ...byUser, method: 'totp', reason: undefined, clientIp: '203.0.113.14' },
      { action: 'user.sign-in-failed', ...byNobody, method: 'totp', reason: 'replayed-code', clientIp: '203.0.113.14' },
      { action: 'user.signed-in', ...byUser, method: 'backup-code', reason: undefined, clientIp: '203.0.113.14' },
      { action: 'user.two-factor-disabled', ...byUser, method: undefined, reason: undefined, clientIp: '203.0.113.13' },
    ]);
  });

  it('a password change: user.password-changed by the user, saying whether other sessions ended', async () => {
    const user = await insertUser(db(), 'viewer', { password: true });
    const browser = await client('203.0.113.15');
    await browser.post('/sign-in/email', { email: user.email, password: TEST_PASSWORD });
    const change = await browser.post('/change-password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, revokeOtherSessions: true });
    expect(change.status).toBe(200);

    expect(await eventsIn(db(), 'user.password-changed')).toEqual([
      expect.objectContaining({ actor: `user:${user.id}`, door: 'api', subjectId: user.id, data: expect.objectContaining({ otherSessionsEnded: true, clientIp: '203.0.113.15' }) }),
    ]);
  });

  it('revoking sessions: one session.revoked per session ended, by the user; signing out is not revoking', async () => {
    const user = await insertUser(db(), 'viewer', { password: true });
    const [laptop, phone, tablet] = [await signIn(db(), user.email), await signIn(db(), user.email), await signIn(db(), user.email)];
    secrets.push(laptop.token, phone.token, tablet.token);
    const browser = await client('203.0.113.16');
    await browser.post('/sign-in/email', { email: user.email, password: TEST_PASSWORD });
    expect((await browser.post('/revoke-session', { token: laptop.token })).status).toBe(200);
    expect((await browser.post('/revoke-other-sessions', {})).status).toBe(200);
    expect((await browser.post('/sign-out', {})).status).toBe(200);

    const revoked = await eventsIn(db(), 'session.revoked');
    expect(revoked).toHaveLength(3);
    for (const event of revoked) {
      expect(event).toMatchObject({ actor: `user:${user.id}`, door: 'api', subjectId: user.id, data: { clientIp: '203.0.113.16', sessionId: expect.any(String) } });
    }
    expect(new Set(revoked.map((event) => event.data.sessionId)).size).toBe(3);
  });
});

describe('the console’s account forms', () => {
  const db = async () => (await getDatabase()).db;
  beforeEach(async () => truncateAll(await db()));
  afterEach(async () => expectNoSecretIn(await db()));

  it('signing in, changing the password and revoking sessions are audited at the console door with the browser’s IP', async () => {
    const user = await insertUser(await db(), 'admin', { password: true });
    const other = await signIn(await db(), user.email);
    const another = await signIn(await db(), user.email);
    secrets.push(other.token, another.token);
    requestHeaders.set({ origin: BASE, ...fromClient('198.51.100.20') });
    expect(await redirectTarget(() => signInAction(idleState, formData({ email: user.email, password: TEST_PASSWORD })))).toBe('/dashboard');

    const session = await signIn(await db(), user.email);
    requestHeaders.set({ origin: BASE, cookie: session.cookie, ...fromClient('198.51.100.21') });
    const { session: current } = (await (await getAuthFor()).api.getSession({ headers: new Headers({ cookie: other.cookie }) }))!;
    expect(await revokeSessionAction(idleState, formData({ id: current.id }))).toMatchObject({ status: 'success' });
    expect(await revokeOtherSessionsAction()).toMatchObject({ status: 'success' });
    expect(await redirectTarget(() => changePasswordAction(idleState, formData({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })))).toBe(
      '/account?password=changed',
    );

    const trail = (await eventsIn(await db())).map(({ action, actor, door, data }) => ({ action, actor, door, clientIp: data.clientIp, sessionId: data.sessionId }));
    const byUser = { actor: `user:${user.id}` };
    // The test's own sign-ins (signIn) come from other addresses.
    expect(trail.filter((event) => String(event.clientIp).startsWith('198.51.100.'))).toEqual([
      { action: 'user.signed-in', ...byUser, door: 'console', clientIp: '198.51.100.20', sessionId: undefined },
      { action: 'session.revoked', ...byUser, door: 'console', clientIp: '198.51.100.21', sessionId: current.id },
      // The other sessions left: the one the console form signed in, and `another`.
      { action: 'session.revoked', ...byUser, door: 'console', clientIp: '198.51.100.21', sessionId: expect.any(String) },
      { action: 'session.revoked', ...byUser, door: 'console', clientIp: '198.51.100.21', sessionId: expect.any(String) },
      { action: 'user.password-changed', ...byUser, door: 'console', clientIp: '198.51.100.21', sessionId: undefined },
    ]);
  });
});

const getAuthFor = async (): Promise<Auth> => authFor((await getDatabase()).db);

describeEachDatabase('single sign-on, with a real OpenID provider', (db) => {
  let provider: ChildProcess;
  let issuer: string;
  let auth: Auth;

  beforeAll(async () => {
    const port = await reservePorts(1);
    issuer = `http://127.0.0.1:${port}`;
    provider = spawn(process.execPath, [path.resolve(import.meta.dirname, '../e2e/oidc-provider.mjs')], {
      env: { ...process.env, OIDC_E2E_PORT: String(port), OIDC_E2E_ISSUER: issuer, ROSTER_BASE_URL: BASE },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      provider.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
      provider.once('exit', (code) => reject(new Error(`the OpenID provider exited (${code})`)));
    });
    vi.stubEnv('ROSTER_OIDC_ISSUER', issuer);
    vi.stubEnv('ROSTER_OIDC_CLIENT_ID', 'roster-e2e');
    vi.stubEnv('ROSTER_OIDC_CLIENT_SECRET', 'roster-e2e-secret');
    // Better Auth reads the provider's settings when it is made.
    auth = createAuth(db(), { driver: 'pglite', dataDir: 'memory://' });
    vi.unstubAllEnvs();
  });
  afterAll(() => {
    provider?.kill();
  });
  afterEach(async () => expectNoSecretIn(db()));

  /**
   * A browser through the single sign-on: starts it at Roster, signs in at the provider as `email` (its development
   * login form takes any login), or cancels there, and comes back to Roster's callback. Returns the callback's answer.
   */
  async function singleSignOn(email: string, { cancel = false } = {}): Promise<Response> {
    vi.useRealTimers(); // the provider's tokens and Better Auth's state expire by the real clock
    const roster = new Client(auth, '203.0.113.30');
    const { url } = (await (await roster.post('/sign-in/social', { provider: 'oidc', callbackURL: '/users', errorCallbackURL: '/sign-in', disableRedirect: true })).json()) as { url: string };
    const cookies = new Map<string, string>();
    const visit = async (target: string, init: RequestInit = {}) => {
      const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      const response = await fetch(target, { ...init, redirect: 'manual', headers: { ...init.headers, cookie } });
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      }
      await response.arrayBuffer();
      return new URL(response.headers.get('location')!, target).href;
    };
    const interaction = await visit(url);
    let next = cancel
      ? await visit(`${interaction}/abort`)
      : await visit(interaction, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ prompt: 'login', login: email }) });
    for (let hops = 0; hops < 5 && new URL(next).origin === issuer; hops++) next = await visit(next);
    expect(next.startsWith(`${BASE}/api/auth/callback/oidc?`), next).toBe(true);
    return auth.handler(new Request(next, { headers: { cookie: roster.cookie, ...fromClient('203.0.113.30') } }));
  }

  it('a sign-in through the provider: user.signed-in with method oidc, at the console door', async () => {
    const user = await insertUser(db(), 'viewer', { email: 'ada.lovelace@example.com' });
    await db().update(users).set({ emailVerified: true }).where(eq(users.id, user.id));
    const callback = await singleSignOn(user.email);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/users');

    expect(await eventsIn(db(), 'user.signed-in')).toEqual([
      expect.objectContaining({ actor: `user:${user.id}`, door: 'console', subjectId: user.id, data: expect.objectContaining({ method: 'oidc', clientIp: '203.0.113.30' }) }),
    ]);
  });

  it('a sign-in cancelled at the provider: user.sign-in-failed with its error code', async () => {
    const callback = await singleSignOn('grace.hopper@example.com', { cancel: true });
    expect(callback.headers.get('location')).toMatch(/^\/sign-in\?error=access_denied/);

    expect(await eventsIn(db(), 'user.sign-in-failed')).toEqual([
      expect.objectContaining({ actor: 'anonymous', door: 'console', subjectId: null, data: expect.objectContaining({ method: 'oidc', reason: 'access-denied', clientIp: '203.0.113.30' }) }),
    ]);
    expect(await eventsIn(db(), 'user.signed-in')).toEqual([]);
  });

  it('a first sign-in that ROSTER_SIGN_UP refuses: back to the sign-in page with SIGN_UP_CLOSED, nobody created, audited', async () => {
    const accountsOf = async (email: string) => db().select({ id: users.id }).from(users).where(eq(users.email, email));
    try {
      vi.stubEnv('ROSTER_SIGN_UP', 'invite-only');
      const refused = await singleSignOn('new.person@example.com');
      expect(refused.status).toBe(302);
      expect(refused.headers.get('location')).toMatch(/^\/sign-in\?error=SIGN_UP_CLOSED/);
      expect(await accountsOf('new.person@example.com')).toEqual([]);
      expect(await eventsIn(db(), 'user.sign-in-failed')).toEqual([expect.objectContaining({ actor: 'anonymous', data: expect.objectContaining({ method: 'oidc', reason: 'sign-up-closed' }) })]);

      // An allowed domain signs up on its first sign-in, as in open mode.
      vi.stubEnv('ROSTER_SIGN_UP', 'domains:example.com');
      expect((await singleSignOn('new.person@example.com')).headers.get('location')).toBe('/users');
      expect(await accountsOf('new.person@example.com')).toHaveLength(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
