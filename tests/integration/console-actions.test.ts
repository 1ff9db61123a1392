import { eq, ne } from 'drizzle-orm';
import { updateTag } from 'next/cache';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createUserAction, deleteUserAction, updateUserAction } from '../../app/(console)/users/actions';
import { idleState } from '@/actions/action-state';
import { getAuth } from '@/auth';
import { confirmEmailVerification } from '@/core/accounts';
import { getDatabase } from '@/db';
import { auditEvents, users } from '@/db/schema';
import { formData, redirectTarget } from '../support/actions';
import { truncateAll } from '../support/database';
import { queuedMail } from '../support/outbox';
import { consoleRequestHeaders, signInConsoleAs, setConsoleCookie, type SignedInUser } from '../support/principals';

vi.mock('next/cache', () => ({ updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn() }));
// Actions read the session cookie through next/headers: each test signs someone in (an owner unless it says otherwise).
vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders() }));

const db = async () => (await getDatabase()).db;
const userByEmail = async (email: string) => (await (await db()).select().from(users).where(eq(users.email, email)))[0];
/** The users the test made: everyone but whoever is signed in. */
const otherUsers = async () => (await db()).select().from(users).where(ne(users.id, signedIn.userId));
let signedIn: SignedInUser;

async function createViaAction(fields: Record<string, string>) {
  const target = await redirectTarget(() => createUserAction(idleState, formData(fields)));
  return { target, row: (await userByEmail(fields.email!.toLowerCase()))! };
}

beforeEach(async () => {
  await truncateAll(await db());
  signedIn = await signInConsoleAs('owner');
  vi.mocked(updateTag).mockClear();
});

describe('createUserAction', () => {
  it('creates the user, expires the cached views and redirects to the new user', async () => {
    const { target, row } = await createViaAction({ email: 'Ada@Example.com', name: 'Ada', role: 'admin', status: 'active' });

    expect(target).toBe(`/users/${row.id}?created=1`);
    expect(row).toMatchObject({ email: 'ada@example.com', role: 'admin', plan: 'free', version: 1 });
    expect(vi.mocked(updateTag).mock.calls.flat().sort()).toEqual(['user:' + row.id, 'users'].sort());
    const [event] = await (await db()).select().from(auditEvents).where(eq(auditEvents.subjectId, row.id));
    expect(event).toMatchObject({ actor: `user:${signedIn.userId}`, door: 'console', action: 'user.created', subjectId: row.id });
  });

  it('returns field errors and echoes the input, writing nothing', async () => {
    const state = await createUserAction(idleState, formData({ email: 'not-an-email', name: '  ', role: 'member', status: 'active' }));

    expect(state.status).toBe('error');
    expect(state.fieldErrors).toEqual({ email: 'Enter a valid email address', name: 'Name is required' });
    expect(state.values).toMatchObject({ email: 'not-an-email', name: '  ' });
    expect(await otherUsers()).toHaveLength(0);
    expect(updateTag).not.toHaveBeenCalled();
  });

  it('puts a taken email next to the email field', async () => {
    await createViaAction({ email: 'dup@example.com', name: 'First', role: 'member', status: 'active' });
    const state = await createUserAction(idleState, formData({ email: 'DUP@example.com', name: 'Second', role: 'member', status: 'active' }));

    expect(state.fieldErrors).toEqual({ email: 'A user with this email already exists' });
    expect(await otherUsers()).toHaveLength(1);
  });

  it('ignores fields the form does not have, such as plan or version', async () => {
    const { row } = await createViaAction({ email: 'sneaky@example.com', name: 'Sneaky', role: 'member', status: 'active', plan: 'enterprise', version: '40' });

    expect(row).toMatchObject({ plan: 'free', version: 1 });
  });
});

describe('updateUserAction', () => {
  it('saves the changes, bumps the version and reports success', async () => {
    const { row } = await createViaAction({ email: 'edit@example.com', name: 'Before', role: 'member', status: 'active' });
    vi.mocked(updateTag).mockClear();

    const state = await updateUserAction(idleState, formData({ id: row.id, version: 1, email: 'edit@example.com', name: 'After', role: 'viewer', status: 'suspended' }));

    expect(state).toEqual({ status: 'success', message: 'Changes saved.' });
    expect(await userByEmail('edit@example.com')).toMatchObject({ name: 'After', role: 'viewer', status: 'suspended', version: 2 });
    expect(updateTag).toHaveBeenCalledWith('users');
    expect(updateTag).toHaveBeenCalledWith(`user:${row.id}`);
  });

  it('a new email is unverified until its link is followed; the old address is told', async () => {
    const { row } = await createViaAction({ email: 'old@example.com', name: 'Mover', role: 'member', status: 'active' });
    const state = await updateUserAction(idleState, formData({ id: row.id, version: 1, email: 'New@Example.com', name: 'Mover', role: 'member', status: 'active' }));

    expect(state).toEqual({ status: 'success', message: 'Changes saved.' });
    expect(await userByEmail('new@example.com')).toMatchObject({ id: row.id, emailVerified: false, version: 2 });
    const mail = await queuedMail(await db());
    expect(mail).toEqual([
      { kind: 'email-changed', recipient: 'old@example.com', token: undefined },
      { kind: 'email-verification', recipient: 'new@example.com', token: expect.any(String) },
    ]);
    await confirmEmailVerification(await db(), mail[1]!.token);
    expect(await userByEmail('new@example.com')).toMatchObject({ emailVerified: true });
  });

  it('looks the session up once, though it checks the budget, the two-factor rule and the principal', async () => {
    const { row } = await createViaAction({ email: 'once@example.com', name: 'Before', role: 'member', status: 'active' });
    // Outside a render React's cache() memoizes nothing, so in an action every consoleSession() call is a lookup.
    const lookups = vi.spyOn((await getAuth()).api, 'getSession');
    try {
      const state = await updateUserAction(idleState, formData({ id: row.id, version: 1, email: 'once@example.com', name: 'After', role: 'member', status: 'active' }));
      expect(state).toMatchObject({ status: 'success' });
      expect(lookups).toHaveBeenCalledOnce();
    } finally {
      lookups.mockRestore();
    }
  });

  it('returns field errors with the typed values and leaves the row alone', async () => {
    const { row } = await createViaAction({ email: 'keep@example.com', name: 'Keep', role: 'member', status: 'active' });
    const state = await updateUserAction(idleState, formData({ id: row.id, version: 1, email: 'bad', name: 'Typed', role: 'member', status: 'active' }));

    expect(state.fieldErrors).toEqual({ email: 'Enter a valid email address' });
    expect(state.values).toMatchObject({ email: 'bad', name: 'Typed', version: '1' });
    expect(await userByEmail('keep@example.com')).toMatchObject({ name: 'Keep', version: 1 });
  });

  it('refuses to overwrite a newer version', async () => {
    const { row } = await createViaAction({ email: 'race@example.com', name: 'Race', role: 'member', status: 'active' });
    await updateUserAction(idleState, formData({ id: row.id, version: 1, email: 'race@example.com', name: 'First', role: 'member', status: 'active' }));

    const state = await updateUserAction(idleState, formData({ id: row.id, version: 1, email: 'race@example.com', name: 'Second', role: 'member', status: 'active' }));

    expect(state.status).toBe('error');
    expect(state.message).toMatch(/changed by someone else/);
    expect(await userByEmail('race@example.com')).toMatchObject({ name: 'First', version: 2 });
  });

  it('says so when the user no longer exists', async () => {
    const state = await updateUserAction(idleState, formData({ id: crypto.randomUUID(), email: 'x@example.com', name: 'X', role: 'member', status: 'active' }));

    expect(state).toMatchObject({ status: 'error', message: 'User no longer exists; it may have been deleted.' });
  });
});

describe('deleteUserAction', () => {
  it('deletes the user and redirects to the list with a notice', async () => {
    const { row } = await createViaAction({ email: 'bye@example.com', name: 'Bye', role: 'member', status: 'active' });

    const target = await redirectTarget(() => deleteUserAction(idleState, formData({ id: row.id, email: row.email, version: 1 })));

    expect(target).toBe('/users?deleted=1');
    expect(await userByEmail('bye@example.com')).toBeUndefined();
  });

  it('returns an error state for an unknown user', async () => {
    const state = await deleteUserAction(idleState, formData({ id: crypto.randomUUID(), email: 'ghost@example.com' }));

    expect(state).toMatchObject({ status: 'error', message: 'User no longer exists; it may have been deleted.' });
  });
});

describe('who is signed in', () => {
  const fields = { email: 'new.admin@example.com', name: 'New Admin', role: 'admin', status: 'active' };

  it('without a session every action says to sign in again and writes nothing', async () => {
    const { row } = await createViaAction({ email: 'target@example.com', name: 'Target', role: 'member', status: 'active' });
    vi.mocked(updateTag).mockClear();
    setConsoleCookie(null);

    const signIn = { status: 'error', message: 'Your session has ended. Sign in again.' };
    expect(await createUserAction(idleState, formData(fields))).toMatchObject(signIn);
    expect(await updateUserAction(idleState, formData({ id: row.id, version: 1, email: row.email, name: 'Changed', role: 'member', status: 'active' }))).toMatchObject(signIn);
    expect(await deleteUserAction(idleState, formData({ id: row.id, email: row.email }))).toMatchObject(signIn);

    expect(await otherUsers()).toEqual([row]);
    // The user's creation and nothing since (besides the audited sign-in).
    expect(await (await db()).select().from(auditEvents).where(ne(auditEvents.action, 'user.signed-in'))).toHaveLength(1);
    expect(updateTag).not.toHaveBeenCalled();
  });

  it('a session cookie that names no session is no session', async () => {
    setConsoleCookie('roster.session_token=forged.token');
    expect(await createUserAction(idleState, formData(fields))).toMatchObject({ status: 'error', message: 'Your session has ended. Sign in again.' });
    expect(await userByEmail(fields.email)).toBeUndefined();
  });

  it('an admin may manage members but not create an admin: Not allowed, nothing written', async () => {
    const admin = await signInConsoleAs('admin');
    const { row } = await createViaAction({ email: 'member@example.com', name: 'Member', role: 'member', status: 'active' });
    expect(await (await db()).select().from(auditEvents).where(eq(auditEvents.subjectId, row.id))).toMatchObject([{ actor: `user:${admin.userId}` }]);

    const state = await createUserAction(idleState, formData(fields));
    expect(state).toMatchObject({ status: 'error', message: expect.stringMatching(/^Not allowed: .*owners/) });
    expect(await userByEmail(fields.email)).toBeUndefined();
  });

  it('a viewer may not write: Not allowed, nothing written', async () => {
    await signInConsoleAs('viewer');
    const state = await createUserAction(idleState, formData({ ...fields, role: 'member' }));
    expect(state).toMatchObject({ status: 'error', message: expect.stringMatching(/^Not allowed: /) });
    expect(await userByEmail(fields.email)).toBeUndefined();
  });
});
