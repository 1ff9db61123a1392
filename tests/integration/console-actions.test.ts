import { eq } from 'drizzle-orm';
import { updateTag } from 'next/cache';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createUserAction, deleteUserAction, updateUserAction } from '../../app/(console)/users/actions';
import { idleState } from '@/actions/action-state';
import { getDatabase } from '@/db';
import { auditEvents, users } from '@/db/schema';
import { formData, redirectTarget } from '../support/actions';
import { truncateAll } from '../support/database';

vi.mock('next/cache', () => ({ updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn() }));

const db = async () => (await getDatabase()).db;
const userByEmail = async (email: string) => (await (await db()).select().from(users).where(eq(users.email, email)))[0];

async function createViaAction(fields: Record<string, string>) {
  const target = await redirectTarget(() => createUserAction(idleState, formData(fields)));
  return { target, row: (await userByEmail(fields.email!.toLowerCase()))! };
}

beforeEach(async () => {
  await truncateAll(await db());
  vi.mocked(updateTag).mockClear();
});

describe('createUserAction', () => {
  it('creates the user, expires the cached views and redirects to the new user', async () => {
    const { target, row } = await createViaAction({ email: 'Ada@Example.com', name: 'Ada', role: 'admin', status: 'active' });

    expect(target).toBe(`/users/${row.id}?created=1`);
    expect(row).toMatchObject({ email: 'ada@example.com', role: 'admin', plan: 'free', version: 1 });
    expect(vi.mocked(updateTag).mock.calls.flat().sort()).toEqual(['user:' + row.id, 'users'].sort());
    const [event] = await (await db()).select().from(auditEvents);
    expect(event).toMatchObject({ door: 'console', action: 'user.created', targetId: row.id });
  });

  it('returns field errors and echoes the input, writing nothing', async () => {
    const state = await createUserAction(idleState, formData({ email: 'not-an-email', name: '  ', role: 'member', status: 'active' }));

    expect(state.status).toBe('error');
    expect(state.fieldErrors).toEqual({ email: 'Enter a valid email address', name: 'Name is required' });
    expect(state.values).toMatchObject({ email: 'not-an-email', name: '  ' });
    expect(await (await db()).select().from(users)).toHaveLength(0);
    expect(updateTag).not.toHaveBeenCalled();
  });

  it('puts a taken email next to the email field', async () => {
    await createViaAction({ email: 'dup@example.com', name: 'First', role: 'member', status: 'active' });
    const state = await createUserAction(idleState, formData({ email: 'DUP@example.com', name: 'Second', role: 'member', status: 'active' }));

    expect(state.fieldErrors).toEqual({ email: 'A user with this email already exists' });
    expect(await (await db()).select().from(users)).toHaveLength(1);
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

    expect(target).toBe('/users?deleted=bye%40example.com');
    expect(await userByEmail('bye@example.com')).toBeUndefined();
  });

  it('returns an error state for an unknown user', async () => {
    const state = await deleteUserAction(idleState, formData({ id: crypto.randomUUID(), email: 'ghost@example.com' }));

    expect(state).toMatchObject({ status: 'error', message: 'User no longer exists; it may have been deleted.' });
  });
});
