import { and, eq } from 'drizzle-orm';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listPasskeys, removePasskey, renamePasskey } from '@/core/passkeys';
import { getDatabase } from '@/db';
import { auditEvents, passkeys, sessions, verifications } from '@/db/schema';
import * as authRoute from '../../app/api/auth/[...all]/route';
import * as meRoute from '../../app/api/v1/me/route';
import { truncateAll } from '../support/database';
import { fromClient } from '../support/client-ip';
import { bearerFor, insertUser, signIn, TEST_PASSWORD, type SignedInUser } from '../support/principals';
import { SoftwareAuthenticator } from '../support/software-authenticator';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

// Passkeys over HTTP through Better Auth's catch-all route, as a product's own front end calls them, with a software
// authenticator on the client side (tests/support/software-authenticator.ts) and the real relying party.

const BASE = 'http://localhost:3000';
const db = async () => (await getDatabase()).db;

let clientNumber = 0;
const nextIp = () => `198.51.100.${(++clientNumber % 250) + 1}`;

/** A browser's cookie jar, just enough for Roster's cookies: the last value of each name wins; an empty one deletes it. */
class Jar {
  private cookies = new Map<string, string>();
  constructor(initial?: string) {
    if (initial) this.take([initial]);
  }
  take(setCookies: string[]) {
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1);
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
  }
  get header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function post(path: string, body: unknown, jar: Jar, { origin = BASE, url = `${BASE}/api/auth${path}` } = {}) {
  const response = await authRoute.POST(
    new Request(url, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', origin, cookie: jar.header, ...fromClient(nextIp()) },
    }),
  );
  jar.take(response.headers.getSetCookie());
  return response;
}

/** Adds a passkey for a signed-in user (their session in `jar`) through both registration endpoints. */
async function register(jar: Jar, authenticator: SoftwareAuthenticator, name = 'Laptop') {
  const started = await post('/passkey/register-options', {}, jar);
  expect(started.status).toBe(200);
  const options = (await started.json()) as PublicKeyCredentialCreationOptionsJSON;
  return post('/passkey/register', { name, response: authenticator.register(options) }, jar);
}

async function signInOptions(jar: Jar, init?: { url?: string }) {
  const response = await post('/sign-in/passkey/options', {}, jar, init);
  expect(response.status).toBe(200);
  return (await response.json()) as PublicKeyCredentialRequestOptionsJSON;
}

async function signInWith(authenticator: SoftwareAuthenticator, jar = new Jar()) {
  const body = { response: authenticator.assert(await signInOptions(jar)) };
  return { response: await post('/sign-in/passkey', body, jar), body, jar };
}

async function userWithPasskey(role: 'member' | 'admin' | 'owner' = 'member', synced = false) {
  const user = await bearerFor(await db(), role);
  const authenticator = new SoftwareAuthenticator({ origin: BASE, synced });
  expect((await register(new Jar(user.cookie), authenticator)).status).toBe(200);
  return { user, authenticator };
}

const eventsOf = async (type: string) => (await db()).select().from(auditEvents).where(eq(auditEvents.action, type));

beforeEach(async () => truncateAll(await db()));
afterEach(() => vi.unstubAllEnvs());

describe('registration', () => {
  it('adds a passkey for the signed-in user, with its device type and backup state, as passkey.added', async () => {
    const user = await bearerFor(await db(), 'member');
    const response = await register(new Jar(user.cookie), new SoftwareAuthenticator({ origin: BASE, synced: true }), 'Phone');
    expect(response.status).toBe(200);
    const dto = await response.json();
    expect(dto).toEqual({ id: expect.any(String), userId: user.userId, name: 'Phone', deviceType: 'multiDevice', backedUp: true, createdAt: expect.any(String), lastUsedAt: null });
    expect(JSON.stringify(dto)).not.toMatch(/publicKey|credential/i);

    const [event] = await eventsOf('passkey.added');
    expect(event).toMatchObject({ actor: `user:${user.userId}`, subjectType: 'user', subjectId: user.userId, door: 'api', data: { passkey: dto } });
  });

  it('uses ROSTER_BASE_URL for the RP id, whatever Host the request came to', async () => {
    const user = await bearerFor(await db(), 'member');
    const jar = new Jar(user.cookie);
    const options = (await (await post('/passkey/register-options', {}, jar, { url: 'http://evil.example/api/auth/passkey/register-options' })).json()) as PublicKeyCredentialCreationOptionsJSON;
    expect(options.rp.id).toBe('localhost');
    expect((await signInOptions(new Jar(), { url: 'http://evil.example:8080/api/auth/sign-in/passkey/options' })).rpId).toBe('localhost');
  });

  it('refuses a credential made for another origin', async () => {
    const user = await bearerFor(await db(), 'member');
    const response = await register(new Jar(user.cookie), new SoftwareAuthenticator({ origin: 'http://evil.example' }));
    expect(response.status).toBe(400);
    expect(await (await db()).select().from(passkeys)).toHaveLength(0);
  });

  it('refuses anyone signed out', async () => {
    expect((await post('/passkey/register-options', {}, new Jar())).status).toBe(401);
  });

  it('asks a session over a day old for the password again', async () => {
    const user = await bearerFor(await db(), 'member');
    await (await db()).update(sessions).set({ createdAt: new Date(Date.now() - 2 * 86_400_000) }).where(eq(sessions.userId, user.userId));
    const jar = new Jar(user.cookie);
    expect(await (await post('/passkey/register-options', {}, jar)).json()).toMatchObject({ code: 'SESSION_NOT_FRESH' });
    expect(await (await post('/passkey/register-options', { password: 'not the password' }, jar)).json()).toMatchObject({ code: 'INVALID_PASSWORD' });
    expect((await post('/passkey/register-options', { password: TEST_PASSWORD }, jar)).status).toBe(200);
  });
});

describe('sign-in', () => {
  it('signs in with a passkey: a session that counts as two factors, user.signed-in with method passkey', async () => {
    const { user, authenticator } = await userWithPasskey();
    const { response, jar } = await signInWith(authenticator);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token: expect.any(String), user: { id: user.userId } });
    expect(jar.header).toMatch(/roster\.session_token=/);

    const passkeySessions = await (await db()).select().from(sessions).where(and(eq(sessions.userId, user.userId), eq(sessions.passkeyVerified, true)));
    expect(passkeySessions).toHaveLength(1);
    // The first was the password sign-in that added the passkey.
    const signIns = await eventsOf('user.signed-in');
    expect(signIns.map((event) => (event.data as { method: string }).method)).toEqual(['password', 'passkey']);
    expect(signIns[1]).toMatchObject({ actor: `user:${user.userId}`, subjectId: user.userId, door: 'api', data: { method: 'passkey' } });
    const [row] = await (await db()).select().from(passkeys);
    expect(row!.lastUsedAt).not.toBeNull();
  });

  it('refuses a replayed assertion: the challenge was consumed, and a fresh challenge does not match it', async () => {
    const { authenticator } = await userWithPasskey();
    const { response, body, jar } = await signInWith(authenticator);
    expect(response.status).toBe(200);
    const replayed = await post('/sign-in/passkey', body, jar);
    expect({ status: replayed.status, body: await replayed.json() }).toMatchObject({ status: 400, body: { code: 'CHALLENGE_NOT_FOUND' } });

    const withNewChallenge = new Jar();
    await signInOptions(withNewChallenge);
    expect(await (await post('/sign-in/passkey', body, withNewChallenge)).json()).toMatchObject({ code: 'INVALID_PASSKEY' });
    expect(await (await db()).select().from(sessions).where(eq(sessions.passkeyVerified, true))).toHaveLength(1);
  });

  it('refuses an assertion without user verification, and audits the failure', async () => {
    const { authenticator } = await userWithPasskey();
    authenticator.userVerified = false;
    const { response } = await signInWith(authenticator);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'INVALID_PASSKEY' });
    const [failed] = await eventsOf('user.sign-in-failed');
    expect(failed).toMatchObject({ actor: 'anonymous', data: { method: 'passkey', reason: 'invalid-passkey' } });
  });

  it('refuses a challenge past its 5 minutes', async () => {
    const { authenticator } = await userWithPasskey();
    const jar = new Jar();
    const body = { response: authenticator.assert(await signInOptions(jar)) };
    await (await db()).update(verifications).set({ expiresAt: new Date(Date.now() - 1000) });
    expect(await (await post('/sign-in/passkey', body, jar)).json()).toMatchObject({ code: 'CHALLENGE_NOT_FOUND' });
  });

  it('keeps the challenge at most 5 minutes', async () => {
    const before = Date.now();
    await signInOptions(new Jar());
    const [challenge] = await (await db()).select().from(verifications);
    expect(challenge!.expiresAt.getTime() - before).toBeLessThanOrEqual(5 * 60_000 + 1000);
  });

  it('checks the signature counter, and accepts synced passkeys that always report 0', async () => {
    const synced = await userWithPasskey('member', true);
    expect((await signInWith(synced.authenticator)).response.status).toBe(200);
    expect((await signInWith(synced.authenticator)).response.status).toBe(200);

    const bound = await userWithPasskey('member', false);
    expect((await signInWith(bound.authenticator)).response.status).toBe(200);
    // A clone that lags behind what the server has seen is refused.
    await (await db()).update(passkeys).set({ counter: 1_000 }).where(eq(passkeys.userId, bound.user.userId));
    expect(await (await signInWith(bound.authenticator)).response.json()).toMatchObject({ code: 'INVALID_PASSKEY' });
  });

  it('refuses a deleted passkey', async () => {
    const { user, authenticator } = await userWithPasskey();
    const [row] = await listPasskeys({ db: await db(), principal: { kind: 'user', door: 'console', userId: user.userId, role: 'member' } }, user.userId);
    await removePasskey({ db: await db(), principal: { kind: 'user', door: 'console', userId: user.userId, role: 'member' } }, row!.id);
    expect(await (await signInWith(authenticator)).response.json()).toMatchObject({ code: 'INVALID_PASSKEY' });
  });

  it('satisfies ROSTER_REQUIRE_2FA_FOR=admin, where the same admin with a password session is held back', async () => {
    vi.stubEnv('ROSTER_REQUIRE_2FA_FOR', 'admin');
    const { user, authenticator } = await userWithPasskey('admin');
    const { response } = await signInWith(authenticator);
    const { token } = (await response.json()) as { token: string };
    const me = (authorization: string) => meRoute.GET(new Request(`${BASE}/api/v1/me`, { headers: { authorization } }), { params: Promise.resolve({}) });
    expect((await me(`Bearer ${token}`)).status).toBe(200);
    expect((await me(user.headers.authorization)).status).toBe(403);
  });
});

describe('managing passkeys (core)', () => {
  const principalOf = (user: SignedInUser) => ({ kind: 'user' as const, door: 'console' as const, userId: user.userId, role: user.role });

  it('the user renames their own passkey (passkey.renamed); nobody else can', async () => {
    const { user } = await userWithPasskey();
    const [row] = await listPasskeys({ db: await db(), principal: principalOf(user) }, user.userId);
    const renamed = await renamePasskey({ db: await db(), principal: principalOf(user) }, row!.id, { name: '  Work laptop ' });
    expect(renamed.name).toBe('Work laptop');
    expect((await eventsOf('passkey.renamed'))[0]).toMatchObject({ changes: { name: { before: 'Laptop', after: 'Work laptop' } } });

    const owner = await bearerFor(await db(), 'owner');
    await expect(renamePasskey({ db: await db(), principal: principalOf(owner) }, row!.id, { name: 'Mine' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(renamePasskey({ db: await db(), principal: principalOf(user) }, row!.id, { name: '' })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('staff see and remove a user’s passkeys (audited); admins not an owner’s; viewers and other members never', async () => {
    const { user } = await userWithPasskey('member');
    const admin = await bearerFor(await db(), 'admin');
    const viewer = await bearerFor(await db(), 'viewer');
    const other = await bearerFor(await db(), 'member');
    const [row] = await listPasskeys({ db: await db(), principal: principalOf(viewer) }, user.userId);
    await expect(listPasskeys({ db: await db(), principal: principalOf(other) }, user.userId)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(removePasskey({ db: await db(), principal: principalOf(viewer) }, row!.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(removePasskey({ db: await db(), principal: principalOf(other) }, row!.id)).rejects.toMatchObject({ code: 'forbidden' });

    expect(await removePasskey({ db: await db(), principal: principalOf(admin) }, row!.id)).toEqual({ userId: user.userId });
    expect(await (await db()).select().from(passkeys)).toHaveLength(0);
    expect((await eventsOf('passkey.removed'))[0]).toMatchObject({ actor: `user:${admin.userId}`, subjectId: user.userId, data: { passkey: { id: row!.id, name: 'Laptop' } } });

    const ownerKey = await userWithPasskey('owner');
    const [ownerRow] = await listPasskeys({ db: await db(), principal: principalOf(admin) }, ownerKey.user.userId);
    await expect(removePasskey({ db: await db(), principal: principalOf(admin) }, ownerRow!.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(removePasskey({ db: await db(), principal: principalOf(admin) }, 'not-an-id')).rejects.toMatchObject({ code: 'not_found' });
    await insertUser(await db(), 'member'); // unrelated rows change nothing
    expect(await (await db()).select().from(passkeys)).toHaveLength(1);
  });

  it('a password sign-in still works for a user with a passkey', async () => {
    const { user } = await userWithPasskey();
    await expect(signIn(await db(), user.email)).resolves.toMatchObject({ token: expect.any(String) });
  });
});
