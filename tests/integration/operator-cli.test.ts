import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, describe, expect, it } from 'vitest';
import { hashApiKeySecret } from '@/core/api-keys/secret';
import { createOrganization } from '@/core/organizations';
import { createScimGroup } from '@/core/scim/groups';
import { createScimUser } from '@/core/scim/users';
import { openDatabase } from '@/db/client';
import { lockDataDir } from '@/db/data-dir-lock';
import { accounts, apiKeys, auditEvents, organizationMembers, users } from '@/db/schema';

// The operator commands as operators run them: `npm run roster -- …` in a separate process, on an embedded
// database in a temporary directory.

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function roster(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', '--conditions=react-server', 'scripts/roster.ts', ...args], {
      cwd: root,
      env: { ...process.env, ROSTER_DATA_DIR: dataDir, DATABASE_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Reads the database between commands (each command holds the data directory's lock only while it runs). */
async function inDatabase<T>(read: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ driver: 'pglite', dataDir });
  try {
    return await read(handle.db);
  } finally {
    await handle.close();
  }
}

describe('npm run roster', { timeout: 120_000 }, () => {
  it('create-owner makes an owner with a hashed password, audited as system:cli; bad input is a plain error', async () => {
    const short = await roster('create-owner', '--email', 'boss@example.com', '--password', 'short');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password: Password must be at least 10 characters');

    const made = await roster('create-owner', '--email', 'Boss@Example.com', '--password', 'long-enough-password');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/Created owner boss@example\.com/);

    await inDatabase(async (db) => {
      const [owner] = await db.select().from(users);
      expect(owner).toMatchObject({ email: 'boss@example.com', role: 'owner', status: 'active' });
      const [account] = await db.select().from(accounts);
      expect(account).toMatchObject({ userId: owner!.id, providerId: 'credential' });
      expect(account!.password).not.toContain('long-enough-password');
      const [event] = await db.select().from(auditEvents);
      expect(event).toMatchObject({ actor: 'system:cli', door: 'cli', action: 'user.created', subjectId: owner!.id });
    });
  });

  it('create-api-key prints the secret once (stored only as its hash); revoke-api-key revokes it', async () => {
    const made = await roster('create-api-key', '--name', 'ci', '--scopes', 'users:read,users:write');
    expect(made.code).toBe(0);
    const secret = made.stdout.trim();
    expect(secret).toMatch(/^rst_[\w-]{43}$/);
    const id = /id ([0-9a-f-]{36})/.exec(made.stderr)![1]!;

    const [stored] = await inDatabase((db) => db.select().from(apiKeys));
    expect(stored).toMatchObject({ id, name: 'ci', scopes: ['users:read', 'users:write'], createdBy: null, secretHash: hashApiKeySecret(secret) });
    expect(JSON.stringify(stored)).not.toContain(secret);

    const badScope = await roster('create-api-key', '--name', 'x', '--scopes', 'users:delete');
    expect(badScope.code).toBe(1);
    expect(badScope.stderr).toContain('Scopes must be among: users:read, users:write');

    const revoked = await roster('revoke-api-key', '--id', id);
    expect(revoked.code).toBe(0);
    const [after] = await inDatabase((db) => db.select().from(apiKeys));
    expect(after!.revokedAt).toBeInstanceOf(Date);
    expect((await roster('revoke-api-key', '--id', id)).stderr).toContain('already revoked');
  });

  it('create-api-key --organization makes a key that belongs to that organization; an unknown organization is refused', async () => {
    const organizationId = await inDatabase(async (db) => {
      const [owner] = await db.insert(users).values({ id: uuidv7(), email: 'acme-owner@example.com', name: 'Acme owner' }).returning();
      return (await createOrganization({ db, principal: { kind: 'system', door: 'cli', name: 'cli' } }, { name: 'Acme', slug: 'acme-cli', ownerId: owner!.id }, 'open')).id;
    });
    const made = await roster('create-api-key', '--name', 'crm', '--scopes', 'organizations:read,events:read', '--organization', organizationId);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain(`of organization ${organizationId}`);
    const stored = await inDatabase((db) => db.select().from(apiKeys).where(eq(apiKeys.organizationId, organizationId)));
    expect(stored).toMatchObject([{ name: 'crm', scopes: ['organizations:read', 'events:read'], organizationId, secretHash: hashApiKeySecret(made.stdout.trim()) }]);

    const unknown = await roster('create-api-key', '--name', 'x', '--scopes', 'events:read', '--organization', uuidv7());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not found');
  });

  it('scim:group-role binds a SCIM group to an organization role: its members become admins; none takes it back', async () => {
    const cli = { kind: 'system', door: 'cli', name: 'cli' } as const;
    const { organizationId, groupId, userId } = await inDatabase(async (db) => {
      const [owner] = await db.insert(users).values({ id: uuidv7(), email: 'scim-owner@example.com', name: 'Owner' }).returning();
      const organization = await createOrganization({ db, principal: cli }, { name: 'Scim', slug: 'scim-cli', ownerId: owner!.id }, 'open');
      const scope = { organizationId: organization.id, connectionId: uuidv7(), passwordSetup: 'none' as const };
      const user = await createScimUser(db, scope, { userName: 'ada@example.com', externalId: null, givenName: null, familyName: null, displayName: null, email: null, active: undefined, employeeNumber: null, department: null, managerId: null });
      const group = await createScimGroup(db, scope, { displayName: 'Admins', externalId: null, memberIds: [user.id] });
      return { organizationId: organization.id, groupId: group.id, userId: user.id };
    });
    const roleOf = () =>
      inDatabase(async (db) => (await db.select({ role: organizationMembers.role }).from(organizationMembers).where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId))))[0]!.role);

    const bound = await roster('scim:group-role', '--organization', organizationId, '--group', groupId, '--role', 'admin');
    expect(bound.code, bound.stderr).toBe(0);
    expect(await roleOf()).toBe('admin');
    expect((await roster('scim:group-role', '--organization', organizationId, '--group', groupId, '--role', 'owner')).code).toBe(1);
    expect((await roster('scim:group-role', '--organization', organizationId, '--group', groupId, '--role', 'none')).code).toBe(0);
    expect(await roleOf()).toBe('member');
  });

  it('says plainly that the embedded database is in use while a server holds it, and writes nothing', async () => {
    const release = await lockDataDir(dataDir);
    try {
      const blocked = await roster('create-api-key', '--name', 'while-running', '--scopes', 'users:read');
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toContain('is in use by another Roster process');
    } finally {
      await release();
    }
    const keys = await inDatabase((db) => db.select({ name: apiKeys.name }).from(apiKeys));
    expect(keys.map((key) => key.name)).not.toContain('while-running');
  });
});
