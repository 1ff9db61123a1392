import { eq, ne } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { Conflict, NotFound, PreconditionFailed, ValidationFailed } from '@/core/errors';
import type { CoreContext } from '@/core/principal';
import { decodeSortCursor } from '@/core/users/sort';
import { createUser, deleteUser, getUser, listUserHistory, listUsers, updateUser } from '@/core/users';
import { auditEvents, users } from '@/db/schema';
import { describeEachDatabase } from '../support/database';
import { principalFor, type UserPrincipal } from '../support/principals';

describeEachDatabase('core: users', (database) => {
  // An owner acts: these tests are about what the use cases do, not who may call them (roles.test.ts is).
  let principal: UserPrincipal;
  beforeEach(async () => {
    principal = await principalFor(database(), 'owner', 'api');
  });
  const ctx = (): CoreContext => ({ db: database(), principal });
  const auditRows = () => database().select().from(auditEvents).orderBy(auditEvents.createdAt, auditEvents.id);
  /** The users the test made: everyone but the acting owner. */
  const userRows = () => database().select().from(users).where(ne(users.id, principal.userId));

  describe('createUser', () => {
    it('stores a normalised user with defaults and audits it in the same transaction', async () => {
      const user = await createUser(ctx(), { email: '  Grace@Example.COM ', name: ' Grace Hopper ' });

      expect(user).toMatchObject({ email: 'grace@example.com', name: 'Grace Hopper', role: 'member', status: 'active', plan: 'free', version: 1 });
      expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // UUIDv7
      const [event] = await auditRows();
      expect(event).toMatchObject({ actor: `user:${principal.userId}`, door: 'api', action: 'user.created', subjectId: user.id });
      expect(event!.changes.email).toEqual({ before: null, after: 'grace@example.com' });
    });

    it('rejects an email that differs only in case, writing nothing', async () => {
      await createUser(ctx(), { email: 'ada@example.com', name: 'Ada' });
      const error = await createUser(ctx(), { email: 'ADA@example.com', name: 'Other Ada' }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Conflict);
      expect((error as Conflict).field).toBe('email');
      expect(await userRows()).toHaveLength(1);
      expect(await auditRows()).toHaveLength(1);
    });

    it('reports every invalid and unknown field', async () => {
      const error = await createUser(ctx(), { email: 'nope', name: '', role: 'god', version: 7 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ValidationFailed);
      expect((error as ValidationFailed).issues.map((issue) => issue.path.join('.')).sort()).toEqual(['email', 'name', 'role', 'version']);
      expect(await userRows()).toHaveLength(0);
    });
  });

  describe('updateUser', () => {
    it('bumps the version and audits only the fields that changed', async () => {
      const user = await createUser(ctx(), { email: 'linus@example.com', name: 'Linus' });
      const updated = await updateUser(ctx(), user.id, { name: 'Linus T.', role: 'member' });

      expect(updated).toMatchObject({ name: 'Linus T.', version: 2 });
      expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(user.updatedAt).getTime());
      const events = await auditRows();
      expect(events.at(-1)).toMatchObject({ action: 'user.updated', changes: { name: { before: 'Linus', after: 'Linus T.' } } });
      expect(Object.keys(events.at(-1)!.changes)).toEqual(['name']);
    });

    it('treats a change to nothing as a no-op: same version, no audit event', async () => {
      const user = await createUser(ctx(), { email: 'noop@example.com', name: 'Noop' });
      const same = await updateUser(ctx(), user.id, { name: 'Noop', email: 'NOOP@example.com' });

      expect(same.version).toBe(1);
      expect(await auditRows()).toHaveLength(1);
    });

    it('refuses a stale expected version and leaves the row as it was', async () => {
      const user = await createUser(ctx(), { email: 'race@example.com', name: 'Race' });
      await updateUser(ctx(), user.id, { name: 'First writer' }, { expectedVersion: 1 });

      await expect(updateUser(ctx(), user.id, { name: 'Second writer' }, { expectedVersion: 1 })).rejects.toBeInstanceOf(PreconditionFailed);
      expect((await getUser(ctx(), user.id)).name).toBe('First writer');
    });

    it('maps an email taken by another user to Conflict', async () => {
      await createUser(ctx(), { email: 'taken@example.com', name: 'Taken' });
      const other = await createUser(ctx(), { email: 'free@example.com', name: 'Free' });

      await expect(updateUser(ctx(), other.id, { email: 'Taken@example.com' })).rejects.toBeInstanceOf(Conflict);
      expect((await getUser(ctx(), other.id)).email).toBe('free@example.com');
    });

    it('never writes protected columns', async () => {
      const user = await createUser(ctx(), { email: 'guard@example.com', name: 'Guard' });

      await expect(updateUser(ctx(), user.id, { plan: 'enterprise', version: 99, id: crypto.randomUUID() })).rejects.toBeInstanceOf(ValidationFailed);
      const [row] = await database().select().from(users).where(eq(users.id, user.id));
      expect(row).toMatchObject({ plan: 'free', version: 1 });
    });

    it('answers NotFound for unknown and malformed ids', async () => {
      await expect(updateUser(ctx(), crypto.randomUUID(), { name: 'x' })).rejects.toBeInstanceOf(NotFound);
      await expect(updateUser(ctx(), 'not-a-uuid', { name: 'x' })).rejects.toBeInstanceOf(NotFound);
    });
  });

  describe('deleteUser', () => {
    it('removes the row and keeps an audit record of what was deleted', async () => {
      const user = await createUser(ctx(), { email: 'gone@example.com', name: 'Gone' });
      await deleteUser(ctx(), user.id);

      await expect(getUser(ctx(), user.id)).rejects.toBeInstanceOf(NotFound);
      const events = await listUserHistory(ctx(), user.id);
      expect(events[0]).toMatchObject({ type: 'user.deleted', data: { changes: { email: { before: 'gone@example.com', after: null } } } });
      await expect(deleteUser(ctx(), user.id)).rejects.toBeInstanceOf(NotFound);
    });

    it('refuses a stale expected version', async () => {
      const user = await createUser(ctx(), { email: 'keep@example.com', name: 'Keep' });
      await updateUser(ctx(), user.id, { name: 'Kept' });

      await expect(deleteUser(ctx(), user.id, { expectedVersion: 1 })).rejects.toBeInstanceOf(PreconditionFailed);
      expect((await getUser(ctx(), user.id)).name).toBe('Kept');
    });
  });

  describe('listUsers', () => {
    const seed = async (count: number) => {
      const created = [];
      for (let i = 0; i < count; i++) {
        created.push(await createUser(ctx(), { email: `person${i}@example.com`, name: `Person ${i}`, role: i % 3 === 0 ? 'admin' : 'member' }));
      }
      return created;
    };

    it('walks every user exactly once, newest first, across keyset pages', async () => {
      const created = await seed(7);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listUsers(ctx(), { limit: 3, cursor });
        seen.push(...page.items.map((user) => user.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);

      // The acting owner was inserted first, so is the oldest.
      expect(seen).toEqual([...created.map((user) => user.id).reverse(), principal.userId]);
    });

    it('searches name and email case-insensitively and takes % and _ literally', async () => {
      await seed(3);
      await createUser(ctx(), { email: 'percent@example.com', name: '100% Real_Name' });

      expect((await listUsers(ctx(), { search: 'PERSON1' })).items.map((user) => user.email)).toEqual(['person1@example.com']);
      expect((await listUsers(ctx(), { search: 'son2@EXA' })).items).toHaveLength(1);
      expect((await listUsers(ctx(), { search: '0% real_' })).items.map((user) => user.email)).toEqual(['percent@example.com']);
      expect((await listUsers(ctx(), { search: '%' })).items).toHaveLength(1);
    });

    it('filters by role and status', async () => {
      const created = await seed(6);
      await updateUser(ctx(), created[1]!.id, { status: 'suspended' });

      expect((await listUsers(ctx(), { role: 'admin' })).items).toHaveLength(2);
      expect((await listUsers(ctx(), { status: 'suspended' })).items.map((user) => user.id)).toEqual([created[1]!.id]);
    });

    it('rejects bad limits and tampered cursors as query errors', async () => {
      await seed(2);
      const { nextCursor } = await listUsers(ctx(), { limit: 1 });
      const tampered = `${nextCursor!.slice(0, 5)}${nextCursor![5] === 'A' ? 'B' : 'A'}${nextCursor!.slice(6)}`;

      for (const query of [{ limit: 0 }, { limit: 101 }, { cursor: tampered }, { cursor: 'garbage' }, { role: 'root' }]) {
        const error = await listUsers(ctx(), query as never).catch((e: unknown) => e);
        expect(error, JSON.stringify(query)).toBeInstanceOf(ValidationFailed);
        expect((error as ValidationFailed).source).toBe('query');
      }
      expect(decodeSortCursor('-createdAt', nextCursor!).id).toMatch(/-/);
    });
  });
});
