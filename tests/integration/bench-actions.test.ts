import { eq } from 'drizzle-orm';
import { updateTag } from 'next/cache';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { benchUpdateUserWithoutRevalidationAction } from '../../app/(console)/users/bench-actions';
import { idleState } from '@/actions/action-state';
import { createUser } from '@/core/users';
import { getDatabase } from '@/db';
import { auditEvents, users } from '@/db/schema';
import { formData } from '../support/actions';
import { truncateAll } from '../support/database';
import { consoleRequestHeaders, signInConsoleAs, type SignedInUser } from '../support/principals';

vi.mock('next/cache', () => ({ updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn() }));
// The console's session comes from the request's cookie: an admin is signed in for each test.
vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders() }));

const db = async () => (await getDatabase()).db;
let admin: SignedInUser;
const principal = () => ({ kind: 'user', door: 'console', userId: admin.userId, role: admin.role }) as const;

beforeEach(async () => {
  await truncateAll(await db());
  admin = await signInConsoleAs('admin');
  vi.mocked(updateTag).mockClear();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

// The benchmark's action is a public endpoint in every production build: it must do nothing unless enabled.
describe('benchUpdateUserWithoutRevalidationAction', () => {
  it('refuses without ROSTER_BENCH_ACTIONS=1 and changes nothing', async () => {
    vi.stubEnv('ROSTER_BENCH_ACTIONS', '');
    const user = await createUser({ db: await db(), principal: principal() }, { email: 'gate@example.com', name: 'Before' });

    const state = await benchUpdateUserWithoutRevalidationAction(idleState, formData({ id: user.id, email: user.email, name: 'After', role: 'member', status: 'active' }));

    expect(state.status).toBe('error');
    expect((await (await db()).select().from(users).where(eq(users.id, user.id)))[0]).toMatchObject({ name: 'Before', version: 1 });
  });

  it('when enabled, does what updateUserAction does except expiring the cached views', async () => {
    vi.stubEnv('ROSTER_BENCH_ACTIONS', '1');
    const user = await createUser({ db: await db(), principal: principal() }, { email: 'bench@example.com', name: 'Before' });

    const state = await benchUpdateUserWithoutRevalidationAction(idleState, formData({ id: user.id, version: 1, email: user.email, name: 'After', role: 'member', status: 'active' }));

    expect(state).toEqual({ status: 'success', message: 'Changes saved.' });
    expect((await (await db()).select().from(users).where(eq(users.id, user.id)))[0]).toMatchObject({ name: 'After', version: 2 });
    const events = await (await db()).select().from(auditEvents).where(eq(auditEvents.action, 'user.updated'));
    expect(events).toMatchObject([{ actor: `user:${admin.userId}`, door: 'console', subjectId: user.id }]);
    expect(updateTag).not.toHaveBeenCalled();
  });
});
