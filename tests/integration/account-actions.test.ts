import { createHash } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { refresh } from 'next/cache';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { changePasswordAction, revokeOtherSessionsAction, revokeSessionAction } from '../../app/(console)/account/actions';
import { createApiKeyAction, revokeApiKeyAction } from '../../app/(console)/api-keys/actions';
import { idleState } from '@/actions/action-state';
import { getAuth } from '@/auth';
import { authenticateApiKey } from '@/core/api-keys';
import { getDatabase } from '@/db';
import { apiKeys, auditEvents, sessions } from '@/db/schema';
import { formData, redirectTarget } from '../support/actions';
import { truncateAll } from '../support/database';
import { bearerFor, consoleCookieStore, consoleRequestHeaders, signIn, signInConsoleAs, TEST_PASSWORD, setConsoleCookie } from '../support/principals';

vi.mock('next/cache', () => ({ refresh: vi.fn(), updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn(), unstable_cache: (fn: unknown) => fn }));
vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders(), cookies: async () => consoleCookieStore() }));

const db = async () => (await getDatabase()).db;

/** The session a `roster.session_token=…` cookie stands for, or null once it has been revoked. */
async function sessionOf(cookie: string) {
  return (await getAuth()).api.getSession({ headers: new Headers({ cookie }) });
}

async function sessionIdOf(cookie: string): Promise<string> {
  const session = await sessionOf(cookie);
  if (!session) throw new Error('expected a valid session');
  return session.session.id;
}

const sessionRowsOf = async (userId: string) => (await db()).select().from(sessions).where(eq(sessions.userId, userId));

beforeEach(async () => {
  await truncateAll(await db());
  setConsoleCookie(null);
  vi.mocked(refresh).mockClear();
});

describe('revokeSessionAction', () => {
  it("ends one of the caller's other sessions, looked up by id, and leaves the current one alone", async () => {
    const { db: database } = await getDatabase();
    const user = await bearerFor(database, 'admin');
    const laptop = await signIn(database, user.email);
    const phone = await signIn(database, user.email);
    setConsoleCookie(user.cookie);

    const state = await revokeSessionAction(idleState, formData({ id: await sessionIdOf(laptop.cookie) }));

    expect(state).toEqual({ status: 'success', message: 'Session revoked: that device is signed out.' });
    expect(await sessionOf(laptop.cookie)).toBeNull();
    expect(await sessionOf(phone.cookie)).not.toBeNull();
    expect(await sessionOf(user.cookie)).not.toBeNull();
    expect(refresh).toHaveBeenCalled();
  });

  it("refuses a session id that belongs to another user: their session stays valid", async () => {
    const { db: database } = await getDatabase();
    const victim = await bearerFor(database, 'owner');
    const victimSessionId = await sessionIdOf(victim.cookie);
    await signInConsoleAs('admin');

    const state = await revokeSessionAction(idleState, formData({ id: victimSessionId }));

    expect(state).toMatchObject({ status: 'error', message: 'That session has already ended.' });
    expect(await sessionOf(victim.cookie)).not.toBeNull();
    expect(await sessionRowsOf(victim.userId)).toHaveLength(1);
  });

  it('refuses to end the session making the request (that is what signing out is for)', async () => {
    const user = await signInConsoleAs('viewer');

    const state = await revokeSessionAction(idleState, formData({ id: await sessionIdOf(user.cookie) }));

    expect(state).toMatchObject({ status: 'error', message: 'This is the session you are using now. To end it, sign out.' });
    expect(await sessionOf(user.cookie)).not.toBeNull();
  });

  it('asks for a fresh sign-in once the session is over a day old (Better Auth lists sessions only for fresh ones)', async () => {
    const { db: database } = await getDatabase();
    const user = await bearerFor(database, 'admin');
    const other = await signIn(database, user.email);
    const currentId = await sessionIdOf(user.cookie);
    await database.update(sessions).set({ createdAt: new Date(Date.now() - 2 * 86_400_000) }).where(eq(sessions.id, currentId));
    setConsoleCookie(user.cookie);

    const state = await revokeSessionAction(idleState, formData({ id: await sessionIdOf(other.cookie) }));

    expect(state).toMatchObject({ status: 'error', message: 'For your security, sign out and sign in again to manage your sessions.' });
    expect(await sessionOf(other.cookie)).not.toBeNull();
    // Signing out everywhere else needs no fresh session.
    expect(await revokeOtherSessionsAction()).toMatchObject({ status: 'success' });
    expect(await sessionOf(other.cookie)).toBeNull();
  });

  it('asks a visitor without a session to sign in', async () => {
    const state = await revokeSessionAction(idleState, formData({ id: 'anything' }));

    expect(state).toMatchObject({ status: 'error', message: 'Your session has ended. Sign in again.' });
  });
});

describe('revokeOtherSessionsAction', () => {
  it("ends all of the caller's sessions but this one, and nobody else's", async () => {
    const { db: database } = await getDatabase();
    const user = await bearerFor(database, 'admin');
    const others = [await signIn(database, user.email), await signIn(database, user.email)];
    const bystander = await bearerFor(database, 'admin');
    setConsoleCookie(user.cookie);

    const state = await revokeOtherSessionsAction();

    expect(state).toEqual({ status: 'success', message: 'Signed out of all other sessions.' });
    for (const other of others) expect(await sessionOf(other.cookie)).toBeNull();
    expect((await sessionRowsOf(user.userId)).map((row) => row.id)).toEqual([await sessionIdOf(user.cookie)]);
    expect(await sessionOf(bystander.cookie)).not.toBeNull();
  });
});

describe('changePasswordAction', () => {
  const newPassword = 'a completely new passphrase';
  const change = (fields: Record<string, string>) => changePasswordAction(idleState, formData(fields));

  it('puts a wrong current password next to its field and changes nothing', async () => {
    const { db: database } = await getDatabase();
    const user = await bearerFor(database, 'admin');
    const other = await signIn(database, user.email);
    setConsoleCookie(user.cookie);

    const state = await change({ currentPassword: 'not my password', newPassword, confirmPassword: newPassword });

    expect(state).toMatchObject({ status: 'error', fieldErrors: { currentPassword: 'The current password is incorrect' } });
    expect(JSON.stringify(state)).not.toContain(newPassword);
    expect(await sessionOf(other.cookie)).not.toBeNull();
    await expect(signIn(database, user.email, TEST_PASSWORD)).resolves.toBeDefined();
    await expect(signIn(database, user.email, newPassword)).rejects.toThrow();
  });

  it('checks the new password before asking Better Auth, and never echoes passwords', async () => {
    const user = await signInConsoleAs('viewer');

    const short = await change({ currentPassword: TEST_PASSWORD, newPassword: 'short', confirmPassword: 'short' });
    expect(short.fieldErrors).toEqual({ newPassword: 'Use at least 10 characters' });
    const mismatch = await change({ currentPassword: TEST_PASSWORD, newPassword, confirmPassword: `${newPassword}!` });
    expect(mismatch.fieldErrors).toEqual({ confirmPassword: 'The passwords do not match' });
    const missing = await change({ newPassword, confirmPassword: newPassword });
    expect(missing.fieldErrors).toEqual({ currentPassword: 'Enter your current password' });
    for (const state of [short, mismatch, missing]) {
      expect(state.values).toBeUndefined();
      expect(JSON.stringify(state)).not.toContain(TEST_PASSWORD);
    }
    await expect(signIn((await getDatabase()).db, user.email, TEST_PASSWORD)).resolves.toBeDefined();
  });

  it('changes the password and ends every other session; the new password signs in, the old one no longer does', async () => {
    const { db: database } = await getDatabase();
    const user = await bearerFor(database, 'owner');
    const others = [await signIn(database, user.email), await signIn(database, user.email)];
    setConsoleCookie(user.cookie);

    // Redirects (the page says so) rather than re-render this request, whose headers still hold the old session.
    const target = await redirectTarget(() => change({ currentPassword: TEST_PASSWORD, newPassword, confirmPassword: newPassword }));

    expect(target).toBe('/account?password=changed');
    for (const other of others) expect(await sessionOf(other.cookie)).toBeNull();
    // Better Auth replaces the current session too (its new cookie goes out through nextCookies): one session is left.
    expect(await sessionRowsOf(user.userId)).toHaveLength(1);
    await expect(signIn(database, user.email, newPassword)).resolves.toBeDefined();
    await expect(signIn(database, user.email, TEST_PASSWORD)).rejects.toThrow();
  });
});

describe('createApiKeyAction', () => {
  function keyForm(fields: { name?: string; scopes?: string[]; expiresAt?: string }): FormData {
    const data = new FormData();
    if (fields.name !== undefined) data.set('name', fields.name);
    for (const scope of fields.scopes ?? []) data.append('scopes', scope);
    if (fields.expiresAt !== undefined) data.set('expiresAt', fields.expiresAt);
    return data;
  }

  it('returns the secret once, in the action state, and stores only its hash', async () => {
    const admin = await signInConsoleAs('admin');

    const state = await createApiKeyAction(idleState, keyForm({ name: 'CRM sync', scopes: ['users:read', 'users:write'], expiresAt: '2999-01-01' }));

    expect(state).toMatchObject({ status: 'success', keyName: 'CRM sync' });
    const secret = state.secret!;
    expect(secret).toMatch(/^rst_[\w-]{40,}$/);
    const rows = await (await db()).select().from(apiKeys);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      name: 'CRM sync',
      scopes: ['users:read', 'users:write'],
      createdBy: admin.userId,
      secretHash: createHash('sha256').update(secret).digest('hex'),
      prefix: secret.slice(0, 10),
      expiresAt: new Date('2999-01-01T00:00:00.000Z'),
    });
    // Nowhere in the database: not the key row, not the audit trail.
    expect(JSON.stringify(rows)).not.toContain(secret);
    const audit = await (await db()).select().from(auditEvents);
    expect(audit.filter((event) => event.action !== 'user.signed-in')).toMatchObject([
      { action: 'api-key.created', actor: `user:${admin.userId}`, door: 'console', subjectId: rows[0]!.id },
    ]);
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(await authenticateApiKey(await db(), secret, 'api')).toMatchObject({ kind: 'apiKey', keyId: rows[0]!.id });
    expect(refresh).toHaveBeenCalled();
  });

  it('puts problems next to their fields, keeps what was typed and writes nothing', async () => {
    await signInConsoleAs('owner');

    const state = await createApiKeyAction(idleState, keyForm({ name: '  ', expiresAt: '2001-01-01' }));

    expect(state).toMatchObject({
      status: 'error',
      fieldErrors: { name: 'Name is required', scopes: 'Choose at least one scope', expiresAt: 'Expiry must be in the future' },
      values: { name: '  ', expiresAt: '2001-01-01', scopes: '' },
    });
    expect(state.secret).toBeUndefined();
    expect(await (await db()).select().from(apiKeys)).toHaveLength(0);
  });

  it('tells a viewer they are not allowed, and writes nothing', async () => {
    await signInConsoleAs('viewer');
    const events = async () => (await (await db()).select({ n: count() }).from(auditEvents))[0]!.n;
    const eventsBefore = await events();

    const state = await createApiKeyAction(idleState, keyForm({ name: 'Sneaky', scopes: ['users:write'] }));

    expect(state.status).toBe('error');
    expect(state.message).toMatch(/^Not allowed: .*api-keys:manage/);
    expect(state.secret).toBeUndefined();
    expect((await (await db()).select({ n: count() }).from(apiKeys))[0]!.n).toBe(0);
    expect(await events()).toBe(eventsBefore);
  });
});

describe('revokeApiKeyAction', () => {
  async function createdKey(): Promise<{ id: string; secret: string }> {
    const data = new FormData();
    data.set('name', 'Doomed');
    data.append('scopes', 'users:read');
    const state = await createApiKeyAction(idleState, data);
    const [row] = await (await db()).select().from(apiKeys);
    return { id: row!.id, secret: state.secret! };
  }

  it('revokes the key: it stops authenticating and is marked revoked', async () => {
    await signInConsoleAs('admin');
    const key = await createdKey();

    const state = await revokeApiKeyAction(idleState, formData({ id: key.id, name: 'Doomed' }));

    expect(state).toEqual({ status: 'success', message: 'Revoked “Doomed”.' });
    const [row] = await (await db()).select().from(apiKeys);
    expect(row!.revokedAt).toBeInstanceOf(Date);
    expect(await authenticateApiKey(await db(), key.secret, 'api')).toBeNull();
    const again = await revokeApiKeyAction(idleState, formData({ id: key.id, name: 'Doomed' }));
    expect(again).toMatchObject({ status: 'error', message: expect.stringMatching(/already revoked/) });
  });

  it('refuses a viewer: the key keeps working', async () => {
    await signInConsoleAs('owner');
    const key = await createdKey();
    await signInConsoleAs('viewer');

    const state = await revokeApiKeyAction(idleState, formData({ id: key.id, name: 'Doomed' }));

    expect(state.message).toMatch(/^Not allowed/);
    expect(await authenticateApiKey(await db(), key.secret, 'api')).not.toBeNull();
  });
});
