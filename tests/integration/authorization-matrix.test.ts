import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { count, desc, eq, like } from 'drizzle-orm';
import { hashPassword, symmetricEncrypt } from 'better-auth/crypto';
import * as OTPAuth from 'otpauth';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getAuth } from '@/auth';
import { webhookSecretBox } from '@/auth/webhook-secret-box';
import { createApiKey, createOrganizationApiKey, revokeApiKey } from '@/core/api-keys';
import type { EventType } from '@/core/events';
import type { Principal } from '@/core/principal';
import { getDatabase } from '@/db';
import { createWebhookEndpoint, sendTestEvent } from '@/core/integrations';
import { createInvitation, createOrganizationInvitation } from '@/core/invitations';
import { addMember, createOrganization, type OrgRole } from '@/core/organizations';
import { createScimConnection, revokeScimConnection } from '@/core/scim';
import { createScimGroup } from '@/core/scim/groups';
import type { ScimScope } from '@/core/scim/scope';
import { createScimUser } from '@/core/scim/users';
import {
  accountTokens,
  accounts,
  apiKeys,
  auditEvents,
  invitations,
  jobs,
  mailOutbox,
  organizationMembers,
  organizations,
  passkeys,
  scimConnections,
  scimTokens,
  sessions,
  twoFactors,
  verifications,
  users,
  webhookDeliveries,
  webhookEndpoints,
  webhookEvents,
} from '@/db/schema';
import { routeFiles } from '../support/contract';
import { truncateAll } from '../support/database';
import { requestHeaders } from '../support/next-headers';
import { fromClient } from '../support/client-ip';
import { unlimitedMail } from '../support/send-limits';
import { SoftwareAuthenticator } from '../support/software-authenticator';

// Every Route Handler method and every Server Action, called as each kind of principal: the expected outcome
// is written down for each pair, and every denial must leave the database exactly as it was. A route file, an
// exported method or an action with no row here fails the test, so nothing new ships unexamined.

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), refresh: vi.fn(), cacheTag: vi.fn(), unstable_cache: (fn: unknown) => fn }));
vi.mock('next/server', async (importOriginal) => ({ ...(await importOriginal<object>()), connection: async () => {}, after: vi.fn() }));
vi.mock('next/headers', async () => (await import('../support/next-headers')).nextHeadersMock);

const ROOT = path.resolve(import.meta.dirname, '../..');
const BASE = 'http://localhost:3000';
const PASSWORD = 'matrix-password-123';

const principalNames = [
  'anonymous',
  'member',
  'viewer',
  'admin',
  'owner',
  'suspended',
  'readKey',
  'writeKey',
  'expiredKey',
  'revokedKey',
  'otherUser',
] as const;
type PrincipalName = (typeof principalNames)[number];

/** What each principal sends: a Bearer credential for route handlers, a session cookie for actions. */
interface Credentials {
  authorization?: string;
  cookie?: string;
  userId?: string;
}
const credentials = {} as Record<PrincipalName, Credentials>;
const emails: Partial<Record<PrincipalName, string>> = {
  member: 'member@matrix.test',
  viewer: 'viewer@matrix.test',
  admin: 'admin@matrix.test',
  owner: 'owner@matrix.test',
  otherUser: 'other@matrix.test',
};

const db = async () => (await getDatabase()).db;
const system: Principal = { kind: 'system', door: 'cli', name: 'matrix' };
/** Who makes the endpoints and keys cells act on: admins manage what an admin made, only owners what an owner made. */
const makers = {} as Record<'admin' | 'owner', Principal>;

async function signedInUser(email: string, role: 'member' | 'viewer' | 'admin' | 'owner'): Promise<Credentials> {
  const auth = await getAuth();
  await auth.api.signUpEmail({ body: { email, password: PASSWORD, name: email } });
  await (await db()).update(users).set({ role }).where(eq(users.email, email));
  return signIn(email);
}

/** A new session for an existing user (also how a cell that ended its principal's session hands it a new one). */
async function signIn(email: string): Promise<Credentials> {
  const auth = await getAuth();
  const response = await auth.api.signInEmail({ body: { email, password: PASSWORD }, asResponse: true });
  const [user] = await (await db()).select({ id: users.id }).from(users).where(eq(users.email, email));
  return {
    authorization: `Bearer ${response.headers.get('set-auth-token')}`,
    cookie: response.headers.get('set-cookie')!.split(';')[0],
    userId: user!.id,
  };
}

async function keySecret(scopes: ('users:read' | 'users:write')[], madeBy = system): Promise<{ id: string; secret: string }> {
  const { apiKey, secret } = await createApiKey({ db: await db(), principal: madeBy }, { name: scopes.join('+'), scopes });
  return { id: apiKey.id, secret };
}

beforeAll(async () => {
  vi.stubEnv('STRIPE_WEBHOOK_SECRET', 'whsec_matrix');
  await truncateAll(await db());
  credentials.anonymous = {};
  for (const role of ['member', 'viewer', 'admin', 'owner'] as const) credentials[role] = await signedInUser(emails[role]!, role);
  credentials.otherUser = await signedInUser(emails.otherUser!, 'member');
  // Signed in, then suspended: suspension ends the sessions it had, so its credentials stop working.
  credentials.suspended = await signedInUser('suspended@matrix.test', 'admin');
  await (await db()).update(users).set({ status: 'suspended' }).where(eq(users.email, 'suspended@matrix.test'));
  await (await db()).delete(sessions).where(eq(sessions.userId, credentials.suspended.userId!));
  credentials.readKey = { authorization: `Bearer ${(await keySecret(['users:read'])).secret}` };
  credentials.writeKey = { authorization: `Bearer ${(await keySecret(['users:read', 'users:write'])).secret}` };
  const expired = await keySecret(['users:read', 'users:write']);
  await (await db()).update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, expired.id));
  credentials.expiredKey = { authorization: `Bearer ${expired.secret}` };
  const revoked = await keySecret(['users:read', 'users:write']);
  await revokeApiKey({ db: await db(), principal: system }, revoked.id);
  credentials.revokedKey = { authorization: `Bearer ${revoked.secret}` };
  for (const role of ['admin', 'owner'] as const) {
    const id = uuidv7();
    await (await db()).insert(users).values({ id, email: `${role}-maker@matrix.test`, name: `Maker ${role}`, role });
    makers[role] = { kind: 'user', door: 'console', userId: id, role };
  }
});

afterAll(() => vi.unstubAllEnvs());

/** What a denied call may have changed: nothing, or (auditedDenial) just the one event that audits it. */
async function expectDenialLeft(before: Awaited<ReturnType<typeof snapshot>>, auditedDenial: EventType | undefined): Promise<void> {
  if (!auditedDenial) return expect(await snapshot()).toEqual(before);
  expect(await snapshot()).toEqual({ ...before, audit: before.audit + 1 });
  const [newest] = await (await db()).select({ action: auditEvents.action }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
  expect(newest).toEqual({ action: auditedDenial });
}

/** Everything a denied call must leave untouched. */
async function snapshot() {
  const database = await db();
  return {
    users: await database
      .select({ id: users.id, version: users.version, role: users.role, status: users.status, email: users.email, twoFactorEnabled: users.twoFactorEnabled })
      .from(users)
      .orderBy(users.id),
    audit: (await database.select({ n: count() }).from(auditEvents))[0]!.n,
    keys: await database.select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt }).from(apiKeys).orderBy(apiKeys.id),
    webhooks: await database.select({ id: webhookEvents.id, status: webhookEvents.status }).from(webhookEvents).orderBy(webhookEvents.id),
    endpoints: await database.select({ id: webhookEndpoints.id, version: webhookEndpoints.version }).from(webhookEndpoints).orderBy(webhookEndpoints.id),
    deliveries: await database.select({ id: webhookDeliveries.id, status: webhookDeliveries.status, next: webhookDeliveries.nextAttemptAt }).from(webhookDeliveries).orderBy(webhookDeliveries.id),
    sessions: (await database.select({ id: sessions.id }).from(sessions).orderBy(sessions.id)).map((row) => row.id),
    passwords: await database.select({ id: accounts.id, password: accounts.password }).from(accounts).orderBy(accounts.id),
    invitations: await database.select({ id: invitations.id, tokenHash: invitations.tokenHash, acceptedAt: invitations.acceptedAt, revokedAt: invitations.revokedAt }).from(invitations).orderBy(invitations.id),
    mail: (await database.select({ n: count() }).from(mailOutbox))[0]!.n,
    linkTokens: await database.select({ id: accountTokens.id, usedAt: accountTokens.usedAt }).from(accountTokens).orderBy(accountTokens.id),
    secondFactors: await database.select({ id: twoFactors.id, secret: twoFactors.secret, verified: twoFactors.verified }).from(twoFactors).orderBy(twoFactors.id),
    passkeys: await database.select({ id: passkeys.id, name: passkeys.name }).from(passkeys).orderBy(passkeys.id),
    passkeyChallenges: (await database.select({ n: count() }).from(verifications).where(like(verifications.identifier, 'passkey-challenge:%')))[0]!.n,
    organizations: await database.select({ id: organizations.id, version: organizations.version }).from(organizations).orderBy(organizations.id),
    memberships: await database
      .select({ organizationId: organizationMembers.organizationId, userId: organizationMembers.userId, role: organizationMembers.role })
      .from(organizationMembers)
      .orderBy(organizationMembers.organizationId, organizationMembers.userId),
    scimConnections: await database.select({ id: scimConnections.id, revokedAt: scimConnections.revokedAt }).from(scimConnections).orderBy(scimConnections.id),
    scimTokens: await database.select({ id: scimTokens.id, expiresAt: scimTokens.expiresAt, revokedAt: scimTokens.revokedAt }).from(scimTokens).orderBy(scimTokens.id),
  };
}

/** A member to act on, fresh for each call so that deletions don't leak between cells. */
async function freshTarget(): Promise<string> {
  const id = uuidv7();
  await (await db()).insert(users).values({ id, email: `target-${id}@matrix.test`, name: 'Target' });
  return id;
}

/** The id of the one session freshSession gives a user. */
const sessionIdOf = (userId: string) => `matrix${userId.replaceAll('-', '')}`;

/** A member to act on with a session of theirs (sessionIdOf names it), for the staff tools on sessions. */
async function freshSession(userId?: string): Promise<string> {
  const id = userId ?? (await freshTarget());
  await (await db()).insert(sessions).values({ id: sessionIdOf(id), token: `token-${id}`, userId: id, expiresAt: new Date(Date.now() + 3_600_000) });
  return id;
}

type EndpointTarget = { id: string; deliveryId: string };

/** An outgoing webhook endpoint (and a delivery to it) to act on, fresh for each call, made by an admin. */
async function freshEndpoint(madeBy: 'admin' | 'owner' = 'admin'): Promise<EndpointTarget> {
  const ctx = { db: await db(), principal: makers[madeBy] };
  const { endpoint } = await createWebhookEndpoint(
    ctx,
    { url: 'http://127.0.0.1:9/hooks', events: ['*'] },
    { network: { allowPrivateNetworks: true, resolve: async () => ['127.0.0.1'] }, secrets: webhookSecretBox() },
  );
  return { id: endpoint.id, deliveryId: (await sendTestEvent(ctx, endpoint.id)).id };
}
const ownersEndpoint = () => freshEndpoint('owner');

/** An open invitation for a member, to read, resend or revoke. */
async function freshInvitation(): Promise<string> {
  return (await createInvitation({ db: await db(), principal: system }, { email: `invited-${uuidv7()}@matrix.test` }, unlimitedMail)).id;
}

/** A queued job Roster itself started (no runner runs here): only admins and owners see it, besides its creator. */
async function freshJob(): Promise<string> {
  const id = uuidv7();
  await (await db()).insert(jobs).values({ id, kind: 'users.bulk', createdBy: 'system:matrix', principal: system });
  return id;
}

/** Someone else's finished import, with nothing refused (its rejected rows are a header alone). */
async function freshImportJob(): Promise<string> {
  const id = uuidv7();
  await (await db()).insert(jobs).values({ id, kind: 'users.import', status: 'succeeded', params: { uploadId: uuidv7(), mode: 'insert', dryRun: false }, createdBy: 'system:matrix', principal: system });
  return id;
}

/** A TOTP secret as Better Auth stores it (encrypted with the auth secret), for a user that cells then act on. */
async function storeSecondFactor(userId: string, verified: boolean): Promise<OTPAuth.TOTP> {
  const secret = uuidv7().replaceAll('-', '');
  const { secretConfig } = await (await getAuth()).$context;
  await (await db())
    .insert(twoFactors)
    .values({ id: uuidv7(), userId, secret: await symmetricEncrypt({ key: secretConfig, data: secret }), backupCodes: await symmetricEncrypt({ key: secretConfig, data: '[]' }), verified })
    .onConflictDoNothing();
  if (verified) await (await db()).update(users).set({ twoFactorEnabled: true }).where(eq(users.id, userId));
  return new OTPAuth.TOTP({ secret: new OTPAuth.Secret({ buffer: new TextEncoder().encode(secret).buffer as ArrayBuffer }) });
}

/** Undoes a cell that turned two-factor on or off for its principal, and signs them in again. */
async function withoutSecondFactor(principal: PrincipalName): Promise<void> {
  const userId = credentials[principal].userId;
  if (userId) {
    await (await db()).delete(twoFactors).where(eq(twoFactors.userId, userId));
    await (await db()).update(users).set({ twoFactorEnabled: false }).where(eq(users.id, userId));
  }
  await newSession(principal);
}

async function failedWebhookEvent(): Promise<string> {
  const id = `evt_${uuidv7().replaceAll('-', '')}`;
  await (await db())
    .insert(webhookEvents)
    .values({ id, type: 'customer.created', stripeCreatedAt: new Date(), payload: { id, type: 'customer.created', data: { object: {} } }, status: 'failed', attempts: 8 });
  return id;
}

/**
 * The console's organization actions act on an organization of their own, fresh for each call, made by the CLI with a
 * fresh owner; `memberId` (the cell's target) is a member unless the cell is to add them.
 */
async function freshConsoleOrganization(memberId?: string): Promise<string> {
  const ctx = { db: await db(), principal: system };
  const { id } = await createOrganization(ctx, { name: 'Matrix', slug: `matrix-${uuidv7()}`, ownerId: await freshTarget() }, 'staff');
  if (memberId) await addMember(ctx, id, { userId: memberId, role: 'member' });
  return id;
}

/** A fresh organization with an open invitation into it (a member's, which admins may revoke), for the console. */
async function freshOrganizationInvitation(): Promise<{ organizationId: string; id: string }> {
  const organizationId = await freshConsoleOrganization();
  const ctx = { db: await db(), principal: system };
  return { organizationId, id: (await createOrganizationInvitation(ctx, organizationId, { email: `org-invited-${uuidv7()}@matrix.test` }, unlimitedMail)).id };
}

/** A fresh organization with a key of its own, made by an admin (admins may revoke it), for the console. */
async function freshOrganizationKey(): Promise<{ organizationId: string; id: string }> {
  const organizationId = await freshConsoleOrganization();
  const ctx = { db: await db(), principal: makers.admin };
  return { organizationId, id: (await createOrganizationApiKey(ctx, organizationId, { name: 'To revoke', scopes: ['organizations:read'] })).apiKey.id };
}

/** A fresh organization with a SCIM connection, made by the CLI, to rotate or revoke from the console. */
async function freshScimConnection(): Promise<{ organizationId: string; id: string }> {
  const organizationId = await freshConsoleOrganization();
  return { organizationId, id: (await createScimConnection({ db: await db(), principal: system }, organizationId, { name: 'To rotate' })).connection.id };
}

async function freshScimGroup(): Promise<{ organizationId: string; groupId: string }> {
  const { organizationId, id: connectionId } = await freshScimConnection();
  const group = await createScimGroup(await db(), { organizationId, connectionId, passwordSetup: 'none' }, { displayName: 'To bind', externalId: null, memberIds: [] });
  return { organizationId, groupId: group.id };
}

// ---------------------------------------------------------------------------------------------------------------
// Route Handlers
// ---------------------------------------------------------------------------------------------------------------

type Statuses = Record<PrincipalName, number>;
const every = (status: number): Statuses => Object.fromEntries(principalNames.map((name) => [name, status])) as Statuses;

/** Reads of the users collection: viewers and up, and any key with a users scope. */
const usersRead: Statuses = {
  anonymous: 401, member: 403, viewer: 200, admin: 200, owner: 200, suspended: 401,
  readKey: 200, writeKey: 200, expiredKey: 401, revokedKey: 401, otherUser: 403,
};
/** Writes to members: admins and up, and write keys. */
const usersWrite = (ok: number): Statuses => ({
  anonymous: 401, member: 403, viewer: 403, admin: ok, owner: ok, suspended: 401,
  readKey: 403, writeKey: ok, expiredKey: 401, revokedKey: 401, otherUser: 403,
});
/** /me: any signed-in user, for their own record; API keys act for no user. */
const self: Statuses = {
  anonymous: 401, member: 200, viewer: 200, admin: 200, owner: 200, suspended: 401,
  readKey: 403, writeKey: 403, expiredKey: 401, revokedKey: 401, otherUser: 200,
};

/** Someone else's job: admins and owners see and cancel every job; anyone else finds none (404, as for no such id). */
const jobsOfOthers = (ok: number): Statuses => ({
  anonymous: 401, member: 404, viewer: 404, admin: ok, owner: ok, suspended: 401,
  readKey: 404, writeKey: 404, expiredKey: 401, revokedKey: 401, otherUser: 404,
});

/** The same outcomes, with 202 Accepted where they succeed. */
const accepted = (statuses: Statuses): Statuses =>
  Object.fromEntries(Object.entries(statuses).map(([name, status]) => [name, status === 200 ? 202 : status])) as Statuses;
/** The console's writes by session cookie (the import form, its rejected rows): admins and owners. */
const consoleWrite = (ok: number): Statuses => ({ ...consoleRead, viewer: 403, admin: ok, owner: ok });

interface RouteCell {
  /** What the cell acts on (its `id` param); a fresh member by default. */
  target?: () => Promise<string>;
  /** Routes under /webhook-endpoints also get a fresh endpoint and a delivery to it. */
  path: (target: string, endpoint: { id: string; deliveryId: string }) => string;
  body?: (target: string) => unknown;
  expect: Statuses;
  /** Why the credentials don't matter here, for routes that don't take a principal. */
  publicBecause?: string;
  /** Authenticated by the console's session cookie (a route for the console's own pages), not by a bearer. */
  byCookie?: true;
  /** The endpoint a /webhook-endpoints/{id} cell acts on: an admin's (freshEndpoint) unless this says otherwise. */
  endpoint?: () => Promise<EndpointTarget>;
  /** A denial that is itself audited (a failed sign-in): it writes this one event and changes nothing else. */
  auditedDenial?: EventType;
}

/** The event log (streams, the audit trail, its export): admins and owners, keys with events:read; members their own. */
const eventsRead: Statuses = {
  anonymous: 401, member: 200, viewer: 403, admin: 200, owner: 200, suspended: 401,
  readKey: 403, writeKey: 403, expiredKey: 401, revokedKey: 401, otherUser: 200,
};
/** Outgoing webhooks: admins and owners, and keys with webhooks:write (none of the matrix's keys has it). */
const webhooksWrite = (ok: number): Statuses => ({
  anonymous: 401, member: 403, viewer: 403, admin: ok, owner: ok, suspended: 401,
  readKey: 403, writeKey: 403, expiredKey: 401, revokedKey: 401, otherUser: 403,
});
/** Changes to what an owner made (an owner's endpoint): owners only; admins may read it but not change it. */
const ownersOnly = (ok: number): Statuses => ({ ...webhooksWrite(ok), admin: 403 });
/** The console's audit export: signed-in admins and owners, by session cookie. */
const consoleEventsRead: Statuses = {
  anonymous: 401, member: 403, viewer: 403, admin: 200, owner: 200, suspended: 401,
  readKey: 401, writeKey: 401, expiredKey: 401, revokedKey: 401, otherUser: 403,
};
/** The console's own routes: signed-in viewers and up, by session cookie; bearer credentials mean nothing there. */
const consoleRead: Statuses = {
  anonymous: 401, member: 403, viewer: 200, admin: 200, owner: 200, suspended: 401,
  readKey: 401, writeKey: 401, expiredKey: 401, revokedKey: 401, otherUser: 403,
};

const routeMatrix: Record<string, Partial<Record<string, RouteCell>>> = {
  'app/api/v1/users/route.ts': {
    GET: { path: () => '/api/v1/users', expect: usersRead },
    POST: { path: () => '/api/v1/users', body: (id) => ({ email: `new-${id}@matrix.test`, name: 'New' }), expect: usersWrite(201) },
    PUT: { path: () => '/api/v1/users', expect: every(405) },
    PATCH: { path: () => '/api/v1/users', expect: every(405) },
    DELETE: { path: () => '/api/v1/users', expect: every(405) },
    OPTIONS: { path: () => '/api/v1/users', expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/users/export/route.ts': {
    GET: { path: () => '/api/v1/users/export', expect: usersRead },
    POST: { path: () => '/api/v1/users/export', expect: every(405) },
    PUT: { path: () => '/api/v1/users/export', expect: every(405) },
    PATCH: { path: () => '/api/v1/users/export', expect: every(405) },
    DELETE: { path: () => '/api/v1/users/export', expect: every(405) },
    OPTIONS: { path: () => '/api/v1/users/export', expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/users/import/route.ts': {
    GET: { path: () => '/api/v1/users/import', expect: every(405) },
    POST: { path: () => '/api/v1/users/import', body: (id) => [{ email: `imported-${id}@matrix.test` }], expect: usersWrite(202) },
    PUT: { path: () => '/api/v1/users/import', expect: every(405) },
    PATCH: { path: () => '/api/v1/users/import', expect: every(405) },
    DELETE: { path: () => '/api/v1/users/import', expect: every(405) },
    OPTIONS: { path: () => '/api/v1/users/import', expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  // Aggregates about users (no row, no name): whoever may read the users list may read them.
  'app/api/v1/metrics/route.ts': {
    GET: { path: () => '/api/v1/metrics?range=7d', expect: usersRead },
    POST: { path: () => '/api/v1/metrics', expect: every(405) },
    PUT: { path: () => '/api/v1/metrics', expect: every(405) },
    PATCH: { path: () => '/api/v1/metrics', expect: every(405) },
    DELETE: { path: () => '/api/v1/metrics', expect: every(405) },
    OPTIONS: { path: () => '/api/v1/metrics', expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/audit-events/route.ts': {
    GET: { path: () => '/api/v1/audit-events', expect: eventsRead },
    POST: { path: () => '/api/v1/audit-events', expect: every(405) },
    PUT: { path: () => '/api/v1/audit-events', expect: every(405) },
    PATCH: { path: () => '/api/v1/audit-events', expect: every(405) },
    DELETE: { path: () => '/api/v1/audit-events', expect: every(405) },
    OPTIONS: { path: () => '/api/v1/audit-events', expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/audit-events/export/route.ts': {
    GET: { path: () => '/api/v1/audit-events/export', expect: eventsRead },
    POST: { path: () => '/api/v1/audit-events/export', expect: every(405) },
    PUT: { path: () => '/api/v1/audit-events/export', expect: every(405) },
    PATCH: { path: () => '/api/v1/audit-events/export', expect: every(405) },
    DELETE: { path: () => '/api/v1/audit-events/export', expect: every(405) },
    OPTIONS: { path: () => '/api/v1/audit-events/export', expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/users/[id]/route.ts': {
    GET: { path: (id) => `/api/v1/users/${id}`, expect: usersRead },
    PATCH: { path: (id) => `/api/v1/users/${id}`, body: () => ({ name: 'Renamed' }), expect: usersWrite(200) },
    DELETE: { path: (id) => `/api/v1/users/${id}`, expect: usersWrite(204) },
    POST: { path: (id) => `/api/v1/users/${id}`, expect: every(405) },
    PUT: { path: (id) => `/api/v1/users/${id}`, expect: every(405) },
    OPTIONS: { path: (id) => `/api/v1/users/${id}`, expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/me/route.ts': {
    GET: { path: () => '/api/v1/me', expect: self },
    PATCH: { path: () => '/api/v1/me', body: () => ({ name: 'Me, renamed' }), expect: self },
    POST: { path: () => '/api/v1/me', expect: every(405) },
    PUT: { path: () => '/api/v1/me', expect: every(405) },
    DELETE: { path: () => '/api/v1/me', expect: every(405) },
    OPTIONS: { path: () => '/api/v1/me', expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/me/email/route.ts': {
    POST: { path: () => '/api/v1/me/email', body: (id) => ({ email: `moved-${id}@matrix.test` }), expect: accepted(self) },
    GET: { path: () => '/api/v1/me/email', expect: every(405) },
    PUT: { path: () => '/api/v1/me/email', expect: every(405) },
    PATCH: { path: () => '/api/v1/me/email', expect: every(405) },
    DELETE: { path: () => '/api/v1/me/email', expect: every(405) },
    OPTIONS: { path: () => '/api/v1/me/email', expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/invitations/route.ts': {
    GET: { path: () => '/api/v1/invitations', expect: usersRead },
    POST: { path: () => '/api/v1/invitations', body: (id) => ({ email: `invitee-${id}@matrix.test`, role: 'member' }), expect: usersWrite(201) },
    PUT: { path: () => '/api/v1/invitations', expect: every(405) },
    PATCH: { path: () => '/api/v1/invitations', expect: every(405) },
    DELETE: { path: () => '/api/v1/invitations', expect: every(405) },
    OPTIONS: { path: () => '/api/v1/invitations', expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/invitations/[id]/route.ts': {
    GET: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}`, expect: usersRead },
    DELETE: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}`, expect: usersWrite(204) },
    POST: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}`, expect: every(405) },
    PUT: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}`, expect: every(405) },
    PATCH: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}`, expect: every(405) },
    OPTIONS: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}`, expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/users/[id]/sessions/route.ts': {
    GET: { target: freshSession, path: (id) => `/api/v1/users/${id}/sessions`, expect: usersWrite(200) },
    DELETE: { target: freshSession, path: (id) => `/api/v1/users/${id}/sessions`, expect: usersWrite(200) },
    POST: { path: (id) => `/api/v1/users/${id}/sessions`, expect: every(405) },
    PUT: { path: (id) => `/api/v1/users/${id}/sessions`, expect: every(405) },
    PATCH: { path: (id) => `/api/v1/users/${id}/sessions`, expect: every(405) },
    OPTIONS: { path: (id) => `/api/v1/users/${id}/sessions`, expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/users/[id]/sessions/[sessionId]/route.ts': {
    DELETE: { target: freshSession, path: (id) => `/api/v1/users/${id}/sessions/${sessionIdOf(id)}`, expect: usersWrite(204) },
    GET: { path: (id) => `/api/v1/users/${id}/sessions/${sessionIdOf(id)}`, expect: every(405) },
    POST: { path: (id) => `/api/v1/users/${id}/sessions/${sessionIdOf(id)}`, expect: every(405) },
    PUT: { path: (id) => `/api/v1/users/${id}/sessions/${sessionIdOf(id)}`, expect: every(405) },
    PATCH: { path: (id) => `/api/v1/users/${id}/sessions/${sessionIdOf(id)}`, expect: every(405) },
    OPTIONS: { path: (id) => `/api/v1/users/${id}/sessions/${sessionIdOf(id)}`, expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  ...Object.fromEntries(
    ['password-reset', 'verification-email'].map((tool) => [
      `app/api/v1/users/[id]/${tool}/route.ts`,
      {
        POST: { path: (id: string) => `/api/v1/users/${id}/${tool}`, expect: usersWrite(202) },
        GET: { path: (id: string) => `/api/v1/users/${id}/${tool}`, expect: every(405) },
        PUT: { path: (id: string) => `/api/v1/users/${id}/${tool}`, expect: every(405) },
        PATCH: { path: (id: string) => `/api/v1/users/${id}/${tool}`, expect: every(405) },
        DELETE: { path: (id: string) => `/api/v1/users/${id}/${tool}`, expect: every(405) },
        OPTIONS: { path: (id: string) => `/api/v1/users/${id}/${tool}`, expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
      } satisfies Partial<Record<string, RouteCell>>,
    ]),
  ),
  'app/api/v1/users/bulk/route.ts': {
    POST: { path: () => '/api/v1/users/bulk', body: (id) => ({ action: 'suspend', ids: [id] }), expect: accepted(usersWrite(200)) },
    GET: { path: () => '/api/v1/users/bulk', expect: every(405) },
    PUT: { path: () => '/api/v1/users/bulk', expect: every(405) },
    PATCH: { path: () => '/api/v1/users/bulk', expect: every(405) },
    DELETE: { path: () => '/api/v1/users/bulk', expect: every(405) },
    OPTIONS: { path: () => '/api/v1/users/bulk', expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/jobs/[id]/route.ts': {
    GET: { target: freshJob, path: (id) => `/api/v1/jobs/${id}`, expect: jobsOfOthers(200) },
    DELETE: { target: freshJob, path: (id) => `/api/v1/jobs/${id}`, expect: jobsOfOthers(200) },
    POST: { target: freshJob, path: (id) => `/api/v1/jobs/${id}`, expect: every(405) },
    PUT: { target: freshJob, path: (id) => `/api/v1/jobs/${id}`, expect: every(405) },
    PATCH: { target: freshJob, path: (id) => `/api/v1/jobs/${id}`, expect: every(405) },
    OPTIONS: { target: freshJob, path: (id) => `/api/v1/jobs/${id}`, expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/v1/invitations/[id]/resend/route.ts': {
    POST: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}/resend`, expect: usersWrite(200) },
    GET: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}/resend`, expect: every(405) },
    PUT: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}/resend`, expect: every(405) },
    PATCH: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}/resend`, expect: every(405) },
    DELETE: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}/resend`, expect: every(405) },
    OPTIONS: { target: freshInvitation, path: (id) => `/api/v1/invitations/${id}/resend`, expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/webhooks/stripe/route.ts': {
    // Stripe's signature is the only credential: user sessions and API keys grant nothing here.
    POST: { path: () => '/api/webhooks/stripe', body: () => ({ id: 'evt_forged', type: 'customer.created' }), expect: every(400), publicBecause: 'authenticated by Stripe signature only' },
    GET: { path: () => '/api/webhooks/stripe', expect: every(405) },
    PUT: { path: () => '/api/webhooks/stripe', expect: every(405) },
    PATCH: { path: () => '/api/webhooks/stripe', expect: every(405) },
    DELETE: { path: () => '/api/webhooks/stripe', expect: every(405) },
  },
  'app/api/auth/[...all]/route.ts': {
    // Better Auth's endpoints: sign-in must be reachable by everyone; a wrong password is a 401 whoever asks.
    POST: {
      path: () => '/api/auth/sign-in/email',
      body: () => ({ email: 'owner@matrix.test', password: 'not-the-password' }),
      expect: every(401),
      publicBecause: 'the sign-in door itself',
      auditedDenial: 'user.sign-in-failed',
    },
    GET: { path: () => '/api/auth/jwks', expect: every(200), publicBecause: 'public keys for verifying Roster JWTs' },
  },
  'app/api/v1/events/route.ts': {
    GET: { path: () => '/api/v1/events', expect: eventsRead },
    POST: { path: () => '/api/v1/events', expect: every(405) },
    PUT: { path: () => '/api/v1/events', expect: every(405) },
    PATCH: { path: () => '/api/v1/events', expect: every(405) },
    DELETE: { path: () => '/api/v1/events', expect: every(405) },
    OPTIONS: { path: () => '/api/v1/events', expect: every(204), publicBecause: 'CORS preflight carries no credentials' },
  },
  'app/api/console/users/export/route.ts': {
    GET: { path: () => '/api/console/users/export', expect: consoleRead, byCookie: true },
    POST: { path: () => '/api/console/users/export', expect: every(405) },
    PUT: { path: () => '/api/console/users/export', expect: every(405) },
    PATCH: { path: () => '/api/console/users/export', expect: every(405) },
    DELETE: { path: () => '/api/console/users/export', expect: every(405) },
  },
  // The Import users form: a plain multipart post. The matrix sends JSON, which a permitted caller gets back to the
  // form as unreadable (303); everyone else is refused before the body is read.
  'app/api/console/users/import/route.ts': {
    POST: { path: () => '/api/console/users/import', body: () => ({ not: 'multipart' }), expect: consoleWrite(303), byCookie: true },
    GET: { path: () => '/api/console/users/import', expect: every(405) },
    PUT: { path: () => '/api/console/users/import', expect: every(405) },
    PATCH: { path: () => '/api/console/users/import', expect: every(405) },
    DELETE: { path: () => '/api/console/users/import', expect: every(405) },
  },
  'app/api/console/jobs/[id]/rejected/route.ts': {
    GET: { target: freshImportJob, path: (id) => `/api/console/jobs/${id}/rejected`, expect: consoleWrite(200), byCookie: true },
    POST: { target: freshImportJob, path: (id) => `/api/console/jobs/${id}/rejected`, expect: every(405) },
    PUT: { target: freshImportJob, path: (id) => `/api/console/jobs/${id}/rejected`, expect: every(405) },
    PATCH: { target: freshImportJob, path: (id) => `/api/console/jobs/${id}/rejected`, expect: every(405) },
    DELETE: { target: freshImportJob, path: (id) => `/api/console/jobs/${id}/rejected`, expect: every(405) },
  },
  'app/api/console/audit-events/export/route.ts': {
    GET: { path: () => '/api/console/audit-events/export', expect: consoleEventsRead, byCookie: true },
    POST: { path: () => '/api/console/audit-events/export', expect: every(405) },
    PUT: { path: () => '/api/console/audit-events/export', expect: every(405) },
    PATCH: { path: () => '/api/console/audit-events/export', expect: every(405) },
    DELETE: { path: () => '/api/console/audit-events/export', expect: every(405) },
  },
  'app/api/console/organizations/[orgId]/members/export/route.ts': {
    GET: { target: () => freshConsoleOrganization(), path: (org) => `/api/console/organizations/${org}/members/export`, expect: consoleRead, byCookie: true },
    POST: { path: (org) => `/api/console/organizations/${org}/members/export`, expect: every(405) },
    PUT: { path: (org) => `/api/console/organizations/${org}/members/export`, expect: every(405) },
    PATCH: { path: (org) => `/api/console/organizations/${org}/members/export`, expect: every(405) },
    DELETE: { path: (org) => `/api/console/organizations/${org}/members/export`, expect: every(405) },
  },
  'app/api/console/events/route.ts': {
    GET: { path: () => '/api/console/events', expect: consoleRead, byCookie: true },
    POST: { path: () => '/api/console/events', expect: every(405) },
    PUT: { path: () => '/api/console/events', expect: every(405) },
    PATCH: { path: () => '/api/console/events', expect: every(405) },
    DELETE: { path: () => '/api/console/events', expect: every(405) },
  },
  ...webhookEndpointRoutes(),
  'app/api/health/route.ts': { GET: { path: () => '/api/health', expect: every(200), publicBecause: 'liveness probe' } },
  'app/api/v1/openapi.json/route.ts': {
    GET: { path: () => '/api/v1/openapi.json', expect: every(200), publicBecause: 'the public contract, like any API reference' },
    POST: { path: () => '/api/v1/openapi.json', expect: every(405) },
    PUT: { path: () => '/api/v1/openapi.json', expect: every(405) },
    PATCH: { path: () => '/api/v1/openapi.json', expect: every(405) },
    DELETE: { path: () => '/api/v1/openapi.json', expect: every(405) },
  },
  'app/api/[...path]/route.ts': Object.fromEntries(
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((method) => [
      method,
      { path: () => '/api/v1/nothing/here', expect: every(404), publicBecause: 'serves nothing: every path it catches is a 404' },
    ]),
  ),
  'app/api/docs/route.ts': {
    GET: { path: () => '/api/docs', expect: every(200), publicBecause: 'the API reference page, rendering the public contract' },
    POST: { path: () => '/api/docs', expect: every(405) },
  },
  'app/api/docs/scalar.js/route.ts': {
    GET: { path: () => '/api/docs/scalar.js', expect: every(200), publicBecause: 'the docs page’s script' },
    POST: { path: () => '/api/docs/scalar.js', expect: every(405) },
  },
  'app/api/ready/route.ts': { GET: { path: () => '/api/ready', expect: every(200), publicBecause: 'readiness probe' } },
  // The bench build's no-op Route Handler (ROSTER_BENCH_BUILD=1 only, see next.config.ts).
  'app/api/bench/noop/route.bench.ts': {
    GET: { path: () => '/api/bench/noop', expect: every(204), publicBecause: 'a framework floor: answers 204 and reads nothing' },
    PATCH: { path: () => '/api/bench/noop', expect: every(204), publicBecause: 'a framework floor: answers 204 and reads nothing' },
  },
};

/**
 * The six route files of /api/v1/webhook-endpoints: every method either needs webhooks:write or is a 405. On an
 * endpoint an owner made (`madeBy: 'owner'`), the methods that change it need an owner besides.
 */
function webhookEndpointRoutes(madeBy: 'admin' | 'owner' = 'admin'): Record<string, Partial<Record<string, RouteCell>>> {
  const base = 'app/api/v1/webhook-endpoints';
  const files: Record<string, [(e: { id: string; deliveryId: string }) => string, Partial<Record<string, RouteCell['body'] | 'ok'>>, Record<string, number>]> = {
    [`${base}/route.ts`]: [() => '/api/v1/webhook-endpoints', { GET: 'ok', POST: () => ({ url: 'http://127.0.0.1:9/new', events: ['*'] }) }, { GET: 200, POST: 201 }],
    [`${base}/[id]/route.ts`]: [(e) => `/api/v1/webhook-endpoints/${e.id}`, { GET: 'ok', PATCH: () => ({ description: 'Renamed' }), DELETE: 'ok' }, { GET: 200, PATCH: 200, DELETE: 204 }],
    [`${base}/[id]/rotate-secret/route.ts`]: [(e) => `/api/v1/webhook-endpoints/${e.id}/rotate-secret`, { POST: 'ok' }, { POST: 200 }],
    [`${base}/[id]/test/route.ts`]: [(e) => `/api/v1/webhook-endpoints/${e.id}/test`, { POST: 'ok' }, { POST: 202 }],
    [`${base}/[id]/deliveries/route.ts`]: [(e) => `/api/v1/webhook-endpoints/${e.id}/deliveries`, { GET: 'ok' }, { GET: 200 }],
    [`${base}/[id]/deliveries/[deliveryId]/retry/route.ts`]: [(e) => `/api/v1/webhook-endpoints/${e.id}/deliveries/${e.deliveryId}/retry`, { POST: 'ok' }, { POST: 202 }],
  };
  if (madeBy === 'owner') delete files[`${base}/route.ts`]; // the collection: about no one endpoint
  return Object.fromEntries(
    Object.entries(files).map(([file, [path, handled, ok]]) => {
      const cells: Partial<Record<string, RouteCell>> = {};
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        const body = handled[method];
        if (madeBy === 'owner') {
          if (body) cells[method] = { endpoint: ownersEndpoint, path: (_target, endpoint) => path(endpoint), ...(body === 'ok' ? {} : { body }), expect: (method === 'GET' ? webhooksWrite : ownersOnly)(ok[method]!) };
          continue;
        }
        cells[method] = body
          ? { path: (_target, endpoint) => path(endpoint), ...(body === 'ok' ? {} : { body }), expect: webhooksWrite(ok[method]!) }
          : { path: (_target, endpoint) => path(endpoint), expect: every(405) };
      }
      if (madeBy === 'admin') cells.OPTIONS = { path: (_target, endpoint) => path(endpoint), expect: every(204), publicBecause: 'CORS preflight carries no credentials' };
      return [file, cells];
    }),
  );
}

const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

describe('every route handler has a row for each method it exports', () => {
  it.each(routeFiles(undefined, /^route(\.bench)?\.ts$/))('%s', async (file) => {
    const loaded = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
    const exported = Object.keys(loaded).filter((name) => httpMethods.includes(name));
    expect(Object.keys(routeMatrix[file] ?? organizationRouteMatrix[file] ?? organizationKeyRoutes[file] ?? scimRoutes[file] ?? {}).sort()).toEqual(exported.sort());
  });
});

type RouteModule = Record<string, (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>>;

type RouteTable = [title: string, file: string, methods: Partial<Record<string, RouteCell>>];
const routeTables: RouteTable[] = [
  ...Object.entries(routeMatrix).map(([file, methods]): RouteTable => [file, file, methods]),
  ...Object.entries(webhookEndpointRoutes('owner')).map(([file, methods]): RouteTable => [`${file}, on an endpoint an owner made`, file, methods]),
];

describe.each(routeTables)('%s', (_title, file, methods) => {
  describe.each(Object.entries(methods))('%s', (method, cell) => {
    it.each(principalNames)('as %s', async (principal) => {
      const loaded = (await import(/* @vite-ignore */ path.join(ROOT, file))) as RouteModule;
      const target = await (cell!.target ?? freshTarget)();
      const endpoint = file.includes('/webhook-endpoints/') ? await (cell!.endpoint ?? freshEndpoint)() : { id: '', deliveryId: '' };
      const url = new URL(cell!.path(target, endpoint), BASE);
      const { authorization, cookie } = credentials[principal];
      // Each principal is a client of its own: the sign-in cells' wrong passwords must not add up to one client's.
      const clientIp = `192.0.2.${principalNames.indexOf(principal) + 1}`;
      const headers: Record<string, string> = { origin: BASE, ...fromClient(clientIp), ...(authorization ? { authorization } : {}) };
      requestHeaders.set(cell!.byCookie && cookie ? { cookie } : {});
      if (cell!.body !== undefined) headers['content-type'] = 'application/json';
      const request = new Request(url, { method, headers, body: cell!.body && JSON.stringify(cell!.body(target)) });
      const params = { id: endpoint.id || target, orgId: target, deliveryId: endpoint.deliveryId, sessionId: url.pathname.split('/')[6] ?? '', all: url.pathname.split('/').slice(3) };
      const before = await snapshot();

      const response = await loaded[method]!(request, { params: Promise.resolve(params) });

      expect(response.status).toBe(cell!.expect[principal]);
      // A stream or a download answers 200 and would stay open: this cell is about who gets in, so hang up.
      if (response.headers.get('content-type')?.startsWith('text/event-stream') || response.headers.has('content-disposition')) await response.body!.cancel();
      if (response.status === 401) expect(response.headers.get('www-authenticate') ?? 'Better Auth').toMatch(/Bearer|Better Auth/);
      if (response.status >= 400) await expectDenialLeft(before, cell!.auditedDenial);
      if (file.endsWith('me/route.ts') && response.status === 200) {
        // /me is always the caller's own record, whatever else exists.
        expect((await response.json()).id).toBe(credentials[principal].userId);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Organizations: two planes of authority. Staff (global owner, admin, viewer) and keys with organizations:* act on
// every organization; a signed-in user acts by their role in the organization the path names. Each cell runs on a
// fresh organization whose owner, admin and member are the principals of those names; `outsider` belongs to
// another organization only.
// ---------------------------------------------------------------------------------------------------------------

const orgPrincipalNames = ['anonymous', 'staffOwner', 'staffAdmin', 'staffViewer', 'orgOwner', 'orgAdmin', 'orgMember', 'outsider', 'orgReadKey', 'orgWriteKey'] as const;
type OrgPrincipalName = (typeof orgPrincipalNames)[number];
type OrgStatuses = Record<OrgPrincipalName, number>;
const orgCredentials = {} as Record<OrgPrincipalName, Credentials>;
const everyOrgPrincipal = (status: number): OrgStatuses => Object.fromEntries(orgPrincipalNames.map((name) => [name, status])) as OrgStatuses;

/** What a fresh organization's cell acts on: the organization, a plain member, a second owner, a user to add. */
interface OrgTarget {
  id: string;
  memberId: string;
  secondOwnerId: string;
  newcomerId: string;
  /** Open invitations into it, to be a member and to be an owner. */
  invitationId: string;
  ownerInvitationId: string;
}

async function freshOrganization(): Promise<OrgTarget> {
  const ctx = { db: await db(), principal: system };
  const organization = await createOrganization(ctx, { name: 'Matrix org', slug: `matrix-${uuidv7()}`, ownerId: orgCredentials.orgOwner.userId }, 'open');
  const [memberId, secondOwnerId, newcomerId] = [await freshTarget(), await freshTarget(), await freshTarget()];
  const members = { [orgCredentials.orgAdmin.userId!]: 'admin', [orgCredentials.orgMember.userId!]: 'member', [memberId]: 'member', [secondOwnerId]: 'owner' } as const;
  for (const [userId, role] of Object.entries(members)) await addMember(ctx, organization.id, { userId, role });
  const invite = async (role: OrgRole) => (await createOrganizationInvitation(ctx, organization.id, { email: `org-invited-${uuidv7()}@matrix.test`, role }, unlimitedMail)).id;
  return { id: organization.id, memberId, secondOwnerId, newcomerId, invitationId: await invite('member'), ownerInvitationId: await invite('owner') };
}

/** Reads: every staff role and key with a scope, every member; another organization's member finds nothing. */
const orgRead: OrgStatuses = {
  anonymous: 401, staffOwner: 200, staffAdmin: 200, staffViewer: 200, orgOwner: 200, orgAdmin: 200, orgMember: 200, outsider: 404, orgReadKey: 200, orgWriteKey: 200,
};
/** Changes to the organization and its (non-owner) members: staff admins and up, write keys, its owners and admins. */
const orgWrite = (ok: number): OrgStatuses => ({
  anonymous: 401, staffOwner: ok, staffAdmin: ok, staffViewer: 403, orgOwner: ok, orgAdmin: ok, orgMember: 403, outsider: 404, orgReadKey: 403, orgWriteKey: ok,
});
/** Deleting it and changing owners: staff admins and up, write keys, and its owners only. */
const orgOwnersOnly = (ok: number): OrgStatuses => ({ ...orgWrite(ok), orgAdmin: 403 });

interface OrgCell {
  path: (org: OrgTarget) => string;
  body?: (org: OrgTarget, principal: OrgPrincipalName) => unknown;
  expect: OrgStatuses;
  publicBecause?: string;
}

const orgBase = 'app/api/v1/organizations';
/** One route file's cells: the methods it serves, and 405 for the others (OPTIONS answers preflight). */
function orgRoute(path: OrgCell['path'], served: Record<string, Omit<OrgCell, 'path'>>): Record<string, OrgCell> {
  const cells: Record<string, OrgCell> = { OPTIONS: { path, expect: everyOrgPrincipal(204), publicBecause: 'CORS preflight carries no credentials' } };
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) cells[method] = { path, ...(served[method] ?? { expect: everyOrgPrincipal(405) }) };
  return cells;
}

const organizationRouteMatrix: Record<string, Record<string, OrgCell>> = {
  [`${orgBase}/route.ts`]: orgRoute(() => '/api/v1/organizations', {
    GET: { expect: { ...orgRead, outsider: 200 } },
    // Signed-in users create their own (ROSTER_ORG_CREATION=open); staff and keys name the owner.
    POST: {
      body: (_org, principal) => ({ name: 'New org', slug: `new-${uuidv7()}`, ownerId: orgCredentials[principal].userId ?? orgCredentials.orgOwner.userId }),
      expect: { ...everyOrgPrincipal(201), anonymous: 401, orgReadKey: 403 },
    },
  }),
  [`${orgBase}/[orgId]/route.ts`]: orgRoute((org) => `/api/v1/organizations/${org.id}`, {
    GET: { expect: orgRead },
    PATCH: { body: () => ({ name: 'Renamed org' }), expect: orgWrite(200) },
    DELETE: { expect: orgOwnersOnly(204) },
  }),
  [`${orgBase}/[orgId]/members/route.ts`]: orgRoute((org) => `/api/v1/organizations/${org.id}/members`, {
    GET: { expect: orgRead },
    POST: { body: (org) => ({ userId: org.newcomerId, role: 'member' }), expect: orgWrite(201) },
  }),
  [`${orgBase}/[orgId]/members/export/route.ts`]: orgRoute((org) => `/api/v1/organizations/${org.id}/members/export`, { GET: { expect: orgRead } }),
  [`${orgBase}/[orgId]/members/[userId]/route.ts`]: orgRoute((org) => `/api/v1/organizations/${org.id}/members/${org.memberId}`, {
    PATCH: { body: () => ({ role: 'admin' }), expect: orgWrite(200) },
    DELETE: { expect: orgWrite(204) },
  }),
  // Invitations carry addresses of people not yet members: staff readers, owners and admins see them, members don't.
  [`${orgBase}/[orgId]/invitations/route.ts`]: orgRoute((org) => `/api/v1/organizations/${org.id}/invitations`, {
    GET: { expect: { ...orgWrite(200), staffViewer: 200, orgReadKey: 200 } },
    POST: { body: () => ({ email: `org-new-${uuidv7()}@matrix.test`, role: 'member' }), expect: orgWrite(201) },
  }),
  [`${orgBase}/[orgId]/invitations/[id]/route.ts`]: orgRoute((org) => `/api/v1/organizations/${org.id}/invitations/${org.invitationId}`, {
    DELETE: { expect: orgWrite(204) },
  }),
};

type OrgTable = [title: string, file: string, cells: Record<string, OrgCell>];
const memberFile = `${orgBase}/[orgId]/members/[userId]/route.ts`;
const toSecondOwner = (org: OrgTarget) => `/api/v1/organizations/${org.id}/members/${org.secondOwnerId}`;
const orgTables: OrgTable[] = [
  ...Object.entries(organizationRouteMatrix).map(([file, cells]): OrgTable => [file, file, cells]),
  [`${memberFile}, on an owner`, memberFile, { PATCH: { path: toSecondOwner, body: () => ({ role: 'member' }), expect: orgOwnersOnly(200) }, DELETE: { path: toSecondOwner, expect: orgOwnersOnly(204) } }],
  [
    `${orgBase}/[orgId]/members/route.ts, adding an owner`,
    `${orgBase}/[orgId]/members/route.ts`,
    { POST: { path: (org) => `/api/v1/organizations/${org.id}/members`, body: (org) => ({ userId: org.newcomerId, role: 'owner' }), expect: orgOwnersOnly(201) } },
  ],
  [
    `${orgBase}/[orgId]/invitations/route.ts, inviting an owner`,
    `${orgBase}/[orgId]/invitations/route.ts`,
    { POST: { path: (org) => `/api/v1/organizations/${org.id}/invitations`, body: () => ({ email: `org-owner-${uuidv7()}@matrix.test`, role: 'owner' }), expect: orgOwnersOnly(201) } },
  ],
  [
    `${orgBase}/[orgId]/invitations/[id]/route.ts, an invitation to be an owner`,
    `${orgBase}/[orgId]/invitations/[id]/route.ts`,
    { DELETE: { path: (org) => `/api/v1/organizations/${org.id}/invitations/${org.ownerInvitationId}`, expect: orgOwnersOnly(204) } },
  ],
];

describe('organizations', () => {
  beforeAll(async () => {
    orgCredentials.anonymous = {};
    orgCredentials.staffOwner = credentials.owner;
    orgCredentials.staffAdmin = credentials.admin;
    orgCredentials.staffViewer = credentials.viewer;
    for (const name of ['orgOwner', 'orgAdmin', 'orgMember', 'outsider'] as const) orgCredentials[name] = await signedInUser(`${name.toLowerCase()}@matrix.test`, 'member');
    const elsewhere = { db: await db(), principal: system };
    await createOrganization(elsewhere, { name: 'Elsewhere', slug: 'elsewhere', ownerId: orgCredentials.outsider.userId }, 'open');
    for (const [name, scope] of [['orgReadKey', 'organizations:read'], ['orgWriteKey', 'organizations:write']] as const) {
      const { secret } = await createApiKey({ db: await db(), principal: system }, { name, scopes: [scope] });
      orgCredentials[name] = { authorization: `Bearer ${secret}` };
    }
  });

  describe.each(orgTables)('%s', (_title, file, cells) => {
    describe.each(Object.entries(cells))('%s', (method, cell) => {
      it.each(orgPrincipalNames)('as %s', async (principal) => {
        const loaded = (await import(/* @vite-ignore */ path.join(ROOT, file))) as RouteModule;
        const org = await freshOrganization();
        const url = new URL(cell.path(org), BASE);
        const { authorization } = orgCredentials[principal];
        const headers: Record<string, string> = { origin: BASE, ...(authorization ? { authorization } : {}) };
        if (cell.body) headers['content-type'] = 'application/json';
        const request = new Request(url, { method, headers, body: cell.body && JSON.stringify(cell.body(org, principal)) });
        // The segment after the organization's sub-resource is a member's userId or an invitation's id.
        const [, , , , orgId, , userId] = url.pathname.split('/');
        const before = await snapshot();

        const response = await loaded[method]!(request, { params: Promise.resolve({ orgId: orgId ?? '', userId: userId ?? '', id: userId ?? '' }) });

        expect(response.status, await response.clone().text()).toBe(cell.expect[principal]);
        if (response.status >= 400) await expectDenialLeft(before, undefined);
        else if (method !== 'GET' && method !== 'OPTIONS') expect(await snapshot()).not.toEqual(before);
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Server Actions: public POST endpoints that read the session cookie. Bearer credentials mean nothing here, so
// API keys (sent as an Authorization header) must act as nobody.
// ---------------------------------------------------------------------------------------------------------------

type Outcome = 'allowed' | 'denied';
type Outcomes = Record<PrincipalName, Outcome>;
const outcomes = (allowed: PrincipalName[]): Outcomes =>
  Object.fromEntries(principalNames.map((name) => [name, allowed.includes(name) ? 'allowed' : 'denied'])) as Outcomes;

const admins = outcomes(['admin', 'owner']);
const readers = outcomes(['viewer', 'admin', 'owner']);
const signedIn = outcomes(['member', 'viewer', 'admin', 'owner', 'otherUser']);
const nobody = outcomes([]);
const everyone = outcomes([...principalNames]);

interface ActionCell {
  /** Builds the arguments a browser would post, for this cell's fresh target. */
  args: (target: string, principal: PrincipalName) => Promise<unknown[]> | unknown[];
  expect: Outcomes;
  /** For actions everyone may call (sign-in, setup): why, and what the call must not achieve. */
  publicBecause?: string;
  /** The cell ended the principal's session or changed its password: undo that for the cells after it. */
  restore?: (principal: PrincipalName) => Promise<void>;
  /** Changes nothing stored even when allowed (it only expires caches): allowed means a success state. */
  readOnly?: true;
  /** A denial that is itself audited (a failed sign-in): it writes this one event and changes nothing else. */
  auditedDenial?: EventType;
}

const form = (fields: Record<string, string | string[]>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) data.append(name, item);
  return data;
};
const idle = { status: 'idle' };

/** A second session of the principal's own user, to revoke. */
async function otherSessionOf(principal: PrincipalName): Promise<string> {
  const email = emails[principal];
  if (!email) return uuidv7(); // principals without a user of their own: any id will do, it must be refused
  await signIn(email);
  const [newest] = await (await db())
    .select({ id: sessions.id })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(users.email, email))
    .orderBy(desc(sessions.createdAt))
    .limit(1);
  return newest!.id;
}

async function newSession(principal: PrincipalName): Promise<void> {
  const email = emails[principal];
  if (email) credentials[principal] = await signIn(email);
}

/** A passkey of `userId` (the principal's own when it has a user, else the cell's target) to rename or delete. */
async function freshPasskey(userId: string): Promise<string> {
  const id = uuidv7();
  await (await db()).insert(passkeys).values({ id, userId, name: 'Matrix key', credentialId: id, publicKey: 'AA', deviceType: 'singleDevice' });
  return id;
}

/**
 * A passkey created for this principal's own registration challenge, as the Account page posts it: the challenge's
 * cookie rides along with the principal's session cookie until `restorePasskeyCookie`. Nobody else has a challenge.
 */
async function passkeyRegistration(principal: PrincipalName): Promise<string> {
  const { cookie } = credentials[principal];
  if (!cookie) return '{}';
  const started = await (await getAuth()).api.passkeyRegisterOptions({ body: {}, headers: new Headers({ cookie, origin: BASE }), asResponse: true });
  if (!started.ok) return '{}';
  const challenge = /roster\.passkey_challenge=[^;]+/.exec(started.headers.get('set-cookie') ?? '')![0];
  credentials[principal] = { ...credentials[principal], cookie: `${cookie}; ${challenge}` };
  return JSON.stringify(new SoftwareAuthenticator({ origin: BASE }).register(await started.json()));
}
async function restorePasskeyCookie(principal: PrincipalName): Promise<void> {
  const { cookie } = credentials[principal];
  if (cookie) credentials[principal] = { ...credentials[principal], cookie: cookie.replace(/; roster\.passkey_challenge=.*$/, '') };
}

/** An API key to revoke, made by an admin (an owner's, or the CLI's, only owners may revoke). */
async function freshApiKey(madeBy = makers.admin): Promise<string> {
  return (await keySecret(['users:read'], madeBy)).id;
}

/** The integrations actions that act on one endpoint, on `endpointOf`'s: admins' are for admins, owners' for owners. */
function endpointActionCells(endpointOf: () => Promise<EndpointTarget>, expect: Outcomes): Record<string, ActionCell> {
  return {
    updateEndpointAction: { args: async () => [idle, form({ id: (await endpointOf()).id, url: 'http://127.0.0.1:9/moved', events: ['user.created'], description: '' })], expect },
    setEndpointEnabledAction: { args: async () => [idle, form({ id: (await endpointOf()).id, enabled: 'false' })], expect },
    rotateSecretAction: { args: async () => [idle, form({ id: (await endpointOf()).id })], expect },
    sendTestEventAction: { args: async () => [idle, form({ id: (await endpointOf()).id })], expect },
    retryDeliveryAction: {
      args: async () => {
        const endpoint = await endpointOf();
        // Sent and answered already, so that resending is a change the matrix can see.
        await (await db()).update(webhookDeliveries).set({ status: 'succeeded' }).where(eq(webhookDeliveries.id, endpoint.deliveryId));
        return [idle, form({ endpointId: endpoint.id, deliveryId: endpoint.deliveryId })];
      },
      expect,
    },
    deleteEndpointAction: { args: async () => [idle, form({ id: (await endpointOf()).id })], expect },
  };
}

const actionMatrix: Record<string, Record<string, ActionCell>> = {
  'app/(console)/users/actions.ts': {
    createUserAction: { args: (id) => [idle, form({ email: `made-${id}@matrix.test`, name: 'Made', role: 'member', status: 'active' })], expect: admins },
    updateUserAction: {
      args: (id) => [idle, form({ id, version: '1', email: `target-${id}@matrix.test`, name: 'Renamed', role: 'member', status: 'active' })],
      expect: admins,
    },
    deleteUserAction: { args: (id) => [idle, form({ id, email: `target-${id}@matrix.test`, version: '1' })], expect: admins },
    resetTwoFactorAction: { args: async (id) => (await storeSecondFactor(id, true), [idle, form({ id })]), expect: admins },
    removeUserPasskeyAction: { args: async (id) => [idle, form({ id: await freshPasskey(id) })], expect: admins },
    startBulkUsersAction: { args: (id) => [idle, form({ action: 'suspend', ids: id })], expect: admins },
  },
  'app/(console)/users/staff-actions.ts': {
    revokeUserSessionAction: { args: async (id) => (await freshSession(id), [idle, form({ userId: id, id: sessionIdOf(id) })]), expect: admins },
    signOutEverywhereAction: { args: async (id) => (await freshSession(id), [idle, form({ id })]), expect: admins },
    sendPasswordResetAction: { args: (id) => [idle, form({ id })], expect: admins },
    resendVerificationAction: { args: (id) => [idle, form({ id })], expect: admins },
    suspendUserAction: { args: (id) => [idle, form({ id, reason: 'Matrix', until: '2999-01-01T00:00' })], expect: admins },
    unsuspendUserAction: { args: async (id) => (await (await db()).update(users).set({ status: 'suspended' }).where(eq(users.id, id)), [idle, form({ id })]), expect: admins },
  },
  // The bench build's own actions (ROSTER_BENCH_BUILD=1 only: a normal build has no page serving them).
  'app/bench/actions.bench.ts': {
    benchNoopAction: { args: () => [], expect: everyone, readOnly: true, publicBecause: 'a framework floor: returns a constant and touches nothing' },
    benchUpdateUserWithoutRevalidationAction: {
      args: (id) => [idle, form({ id, version: '1', email: `target-${id}@matrix.test`, name: 'Renamed', role: 'member', status: 'active' })],
      expect: admins,
    },
  },
  'app/(console)/webhooks/actions.ts': {
    reprocessWebhookEventAction: { args: async () => [idle, form({ id: await failedWebhookEvent() })], expect: admins },
  },
  'app/(console)/api-keys/actions.ts': {
    createApiKeyAction: { args: () => [idle, form({ name: 'From the matrix', scopes: ['users:read'] })], expect: admins },
    revokeApiKeyAction: { args: async () => [idle, form({ id: await freshApiKey() })], expect: admins },
  },
  'app/(console)/account/actions.ts': {
    revokeSessionAction: { args: async (_id, principal) => [idle, form({ id: await otherSessionOf(principal) })], expect: signedIn },
    revokeOtherSessionsAction: { args: async (_id, principal) => (await otherSessionOf(principal), []), expect: signedIn },
    requestEmailChangeAction: { args: (id) => [idle, form({ email: `moved-${id}@matrix.test` })], expect: signedIn },
    passkeyCreationOptionsAction: { args: () => [idle, form({ name: 'Matrix key' })], expect: signedIn },
    addPasskeyAction: {
      args: async (_id, principal) => [idle, form({ name: 'Matrix key', response: await passkeyRegistration(principal) })],
      expect: signedIn,
      restore: restorePasskeyCookie,
    },
    renamePasskeyAction: { args: async (id, principal) => [idle, form({ id: await freshPasskey(credentials[principal].userId ?? id), name: 'Renamed' })], expect: signedIn },
    deletePasskeyAction: { args: async (id, principal) => [idle, form({ id: await freshPasskey(credentials[principal].userId ?? id) })], expect: signedIn },
    startTwoFactorAction: { args: () => [idle, form({ password: PASSWORD })], expect: signedIn, restore: async (principal) => withoutSecondFactor(principal) },
    confirmTwoFactorAction: {
      args: async (_id, principal) => {
        const userId = credentials[principal].userId;
        const code = userId ? (await storeSecondFactor(userId, false)).generate() : '123456';
        return [idle, form({ code })];
      },
      expect: signedIn,
      restore: withoutSecondFactor,
    },
    disableTwoFactorAction: {
      args: async (_id, principal) => {
        const userId = credentials[principal].userId;
        if (userId) await storeSecondFactor(userId, true);
        return [idle, form({ password: PASSWORD })];
      },
      expect: signedIn,
      restore: withoutSecondFactor,
    },
    changePasswordAction: {
      args: () => [idle, form({ currentPassword: PASSWORD, newPassword: `${PASSWORD}-new`, confirmPassword: `${PASSWORD}-new` })],
      expect: signedIn,
      restore: async (principal) => {
        const userId = credentials[principal].userId;
        if (userId) await (await db()).update(accounts).set({ password: await hashPassword(PASSWORD) }).where(eq(accounts.userId, userId));
        await newSession(principal);
      },
    },
  },
  'app/(console)/integrations/actions.ts': {
    createEndpointAction: { args: () => [idle, form({ url: 'http://127.0.0.1:9/made', events: ['*'] })], expect: admins },
    ...endpointActionCells(freshEndpoint, admins),
  },
  'src/actions/refresh-live-view.ts': {
    refreshLiveViewAction: { args: (id) => [[id]], expect: readers, readOnly: true },
    refreshOrganizationViewAction: { args: async (id) => [[await freshConsoleOrganization(id)]], expect: readers, readOnly: true },
  },
  // Staff manage every organization from the console (admins and owners; viewers read). A member of the product is no
  // staff, and the cells' organizations are none of the principals' own.
  'app/(console)/organizations/actions.ts': {
    createOrganizationAction: { args: (id) => [idle, form({ name: 'Made', slug: `made-${id}`, owner: `target-${id}@matrix.test` })], expect: admins },
    updateOrganizationAction: { args: async (id) => [idle, form({ id: await freshConsoleOrganization(id), version: '1', name: 'Renamed', slug: `renamed-${id}` })], expect: admins },
    deleteOrganizationAction: { args: async (id) => [idle, form({ id: await freshConsoleOrganization(id), version: '1' })], expect: admins },
    addMemberAction: { args: async (id) => [idle, form({ organizationId: await freshConsoleOrganization(), user: `target-${id}@matrix.test`, role: 'admin' })], expect: admins },
    changeMemberRoleAction: { args: async (id) => [idle, form({ organizationId: await freshConsoleOrganization(id), userId: id, role: 'admin' })], expect: admins },
    removeMemberAction: { args: async (id) => [idle, form({ organizationId: await freshConsoleOrganization(id), userId: id })], expect: admins },
  },
  'app/(console)/organizations/invitation-actions.ts': {
    inviteToOrganizationAction: { args: async (id) => [idle, form({ organizationId: await freshConsoleOrganization(), email: `org-invited-${id}@matrix.test`, role: 'member' })], expect: admins },
    revokeOrganizationInvitationAction: { args: async () => [idle, form(await freshOrganizationInvitation())], expect: admins },
  },
  'app/(console)/organizations/key-actions.ts': {
    createOrganizationKeyAction: { args: async () => [idle, form({ organizationId: await freshConsoleOrganization(), name: 'From the matrix', scopes: ['organizations:read'] })], expect: admins },
    revokeOrganizationKeyAction: { args: async () => [idle, form(await freshOrganizationKey())], expect: admins },
  },
  'app/(console)/organizations/scim-actions.ts': {
    createScimConnectionAction: { args: async () => [idle, form({ organizationId: await freshConsoleOrganization(), name: 'Okta', passwordSetup: 'invitation' })], expect: admins },
    rotateScimTokenAction: { args: async () => [idle, form(await freshScimConnection())], expect: admins },
    revokeScimConnectionAction: { args: async () => [idle, form(await freshScimConnection())], expect: admins },
    setScimGroupRoleAction: { args: async () => [idle, form({ ...(await freshScimGroup()), role: 'admin' })], expect: admins },
  },
  'app/(console)/invitations/actions.ts': {
    createInvitationAction: { args: (id) => [idle, form({ email: `invited-${id}@matrix.test`, role: 'member' })], expect: admins },
    resendInvitationAction: { args: async () => [idle, form({ id: await freshInvitation() })], expect: admins },
    revokeInvitationAction: { args: async () => [idle, form({ id: await freshInvitation() })], expect: admins },
  },
  'src/actions/sign-out.ts': {
    signOutAction: { args: () => [], expect: signedIn, restore: newSession },
  },
  // The target is a fresh member: admins and owners may act as them (the admin's own session stays, so nothing to
  // restore). No principal here is impersonating, so Stop changes nothing for anyone; impersonation.test.ts stops one.
  'src/actions/impersonation.ts': {
    impersonateUserAction: { args: (id) => [idle, form({ userId: id, reason: 'Checking the authorization matrix', ticket: 'MATRIX-1' })], expect: admins },
    stopImpersonatingAction: { args: () => [], expect: nobody },
  },
  // Signed out, the choice only sets a cookie (nothing is written); signed in, it is stored on the caller's own record.
  'src/actions/theme.ts': {
    setThemeAction: { args: () => [form({ theme: 'dark' })], expect: signedIn },
  },
  'app/forgot-password/actions.ts': {
    requestPasswordResetAction: {
      args: (id) => [idle, form({ email: `nobody-${id}@matrix.test` })],
      expect: nobody,
      publicBecause: 'anyone may ask; for an address without an account nothing is written, and the answer is the same',
    },
  },
  'app/reset-password/actions.ts': {
    resetPasswordAction: {
      args: () => [idle, form({ token: 'x'.repeat(43), password: `${PASSWORD}-reset`, confirmPassword: `${PASSWORD}-reset` })],
      expect: nobody,
      publicBecause: 'the emailed token is the credential; a guessed one changes nothing',
    },
  },
  'app/invite/actions.ts': {
    acceptInvitationAction: {
      args: () => [idle, form({ token: 'x'.repeat(43), name: 'Gatecrasher', password: PASSWORD, confirmPassword: PASSWORD })],
      expect: nobody,
      publicBecause: 'the emailed token is the credential; a guessed one creates no account',
    },
    acceptInvitationWithOidcAction: { args: () => [idle, form({ token: 'x'.repeat(43), name: 'Gatecrasher' })], expect: nobody, publicBecause: 'as above, and no provider is configured here' },
    // A fresh organization invites the otherUser's (verified) address: only that signed-in account joins by it.
    joinOrganizationAction: { args: async () => [idle, form({ token: await organizationInvitationTokenFor(emails.otherUser!) })], expect: outcomes(['otherUser']) },
  },
  'app/verify-email/actions.ts': {
    confirmEmailVerificationAction: { args: () => [idle, form({ token: 'x'.repeat(43) })], expect: nobody, publicBecause: 'the emailed token is the credential' },
  },
  'app/confirm-email/actions.ts': {
    confirmEmailChangeAction: { args: () => [idle, form({ token: 'x'.repeat(43) })], expect: nobody, publicBecause: 'the emailed token is the credential' },
  },
  'app/sign-in/actions.ts': {
    signInAction: {
      args: () => [idle, form({ email: 'owner@matrix.test', password: 'not-the-password' })],
      expect: nobody,
      publicBecause: 'the sign-in door itself: a wrong password gets no session, whoever asks',
      auditedDenial: 'user.sign-in-failed',
    },
    signInWithOidcAction: { args: () => [idle, form({})], expect: nobody, publicBecause: 'starts OAuth; no provider is configured here' },
    passkeySignInOptionsAction: { args: () => [], expect: everyone, publicBecause: 'starts a passkey sign-in: stores a 5-minute challenge, signs nobody in' },
    passkeySignInAction: {
      args: () => [idle, form({ response: JSON.stringify(new SoftwareAuthenticator({ origin: BASE }).assert({ challenge: 'AAAA', rpId: 'localhost' })) })],
      expect: nobody,
      publicBecause: 'the passkey sign-in door: without its challenge and a registered passkey nobody is signed in',
    },
    verifySecondFactorAction: {
      args: () => [idle, form({ code: '123456', method: 'totp' })],
      expect: nobody,
      publicBecause: 'the second step of a sign-in: without its challenge cookie no code signs anyone in',
    },
  },
  'app/setup/actions.ts': {
    setupOwnerAction: {
      args: (id) => [idle, form({ email: `usurper-${id}@matrix.test`, name: 'Usurper', password: PASSWORD })],
      expect: nobody,
      publicBecause: 'first setup only: an owner already exists',
    },
  },
};

function actionFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return actionFiles(relative);
    if (!/\.tsx?$/.test(entry.name)) return [];
    return /^\s*['"]use server['"]/.test(readFileSync(path.join(ROOT, relative), 'utf8')) ? [relative] : [];
  });
}

describe('every server action has a row', () => {
  it.each([...actionFiles('app'), ...actionFiles('src')])('%s', async (file) => {
    const loaded = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
    const exported = Object.keys(loaded).filter((name) => typeof loaded[name] === 'function');
    expect(Object.keys(actionMatrix[file] ?? {}).sort()).toEqual(exported.sort());
  });
});

/** Runs an action the way Next does, returning its result or where it redirected. */
async function invoke(action: (...args: unknown[]) => Promise<unknown>, args: unknown[]) {
  try {
    return { result: await action(...args) };
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest === 'string' && digest.startsWith('NEXT_REDIRECT;')) return { redirect: digest.split(';')[2]! };
    throw error;
  }
}

/** What an owner made (an endpoint, an API key; the CLI's keys too): only owners change it. */
const owners = outcomes(['owner']);
const integrations = 'app/(console)/integrations/actions.ts';
const keys = 'app/(console)/api-keys/actions.ts';

type ActionTable = [title: string, file: string, actions: Record<string, ActionCell>];
const actionTables: ActionTable[] = [
  ...Object.entries(actionMatrix).map(([file, actions]): ActionTable => [file, file, actions]),
  [`${integrations}, on an endpoint an owner made`, integrations, endpointActionCells(ownersEndpoint, owners)],
  [`${keys}, on a key an owner made`, keys, { revokeApiKeyAction: { args: async () => [idle, form({ id: await freshApiKey(makers.owner) })], expect: owners } }],
  [`${keys}, on a key the CLI made`, keys, { revokeApiKeyAction: { args: async () => [idle, form({ id: await freshApiKey(system) })], expect: owners } }],
];

describe.each(actionTables)('%s', (_title, file, actions) => {
  describe.each(Object.entries(actions))('%s', (name, cell) => {
    it.each(principalNames)('as %s', async (principal) => {
      const loaded = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const target = await freshTarget();
      const args = await cell.args(target, principal);
      const { cookie, authorization } = credentials[principal];
      requestHeaders.set({ origin: BASE, ...(cookie ? { cookie } : {}), ...(authorization && !cookie ? { authorization } : {}) });
      const before = await snapshot();

      const { result, redirect } = await invoke(loaded[name]!, args);

      const after = await snapshot();
      const failed = (result as { status?: string } | undefined)?.status === 'error' || /^\/(sign-in|not-allowed)/.test(redirect ?? '');
      if (cell.readOnly) {
        expect(after).toEqual(before);
        expect((result as { status?: string }).status).toBe(cell.expect[principal] === 'allowed' ? 'success' : 'error');
      } else if (cell.expect[principal] === 'denied') {
        await expectDenialLeft(before, cell.auditedDenial);
      } else {
        expect(failed && !redirect?.startsWith('/sign-in'), JSON.stringify(result)).toBe(false);
        expect(after).not.toEqual(before);
      }
      await cell.restore?.(principal);
    });
  });
});

/** The link token of a fresh invitation into a fresh organization, for `email` (made verified), read from its email. */
async function organizationInvitationTokenFor(email: string): Promise<string> {
  const ctx = { db: await db(), principal: system };
  const [owner] = await (await db()).select({ id: users.id }).from(users).where(eq(users.email, emails.owner!));
  const organization = await createOrganization(ctx, { name: 'Joinable', slug: `joinable-${uuidv7()}`, ownerId: owner!.id }, 'open');
  await (await db()).update(users).set({ emailVerified: true }).where(eq(users.email, email));
  await createOrganizationInvitation(ctx, organization.id, { email }, unlimitedMail);
  const [mail] = await (await db()).select({ text: mailOutbox.textBody }).from(mailOutbox).where(eq(mailOutbox.recipient, email)).orderBy(desc(mailOutbox.id)).limit(1);
  return /\/invite\/([A-Za-z0-9_-]{43})/.exec(mail!.text!)![1]!;
}

// ---------------------------------------------------------------------------------------------------------------
// Organization-owned keys (issue 28): the routes of an organization's keys and endpoints, called by each kind of
// principal around one organization (A, fresh for each call); and every organization route, plus the service-wide
// routes such a key might try, called by a key of A and by a key of another organization (B). Every denial leaves
// the database (organizations and memberships included: see snapshot) as it was.
// ---------------------------------------------------------------------------------------------------------------

const keyCasePrincipals = ['anonymous', 'staffAdmin', 'staffViewer', 'orgOwner', 'orgAdmin', 'orgMember', 'otherOrgMember', 'thisOrgKey', 'otherOrgKey'] as const;
type KeyCasePrincipal = (typeof keyCasePrincipals)[number];
type KeyCaseStatuses = Partial<Record<KeyCasePrincipal, number>>;
/** Organization A's people, B's, and the keys of each (every scope an organization's key may hold). */
const keyCaseCredentials = {} as Record<Exclude<KeyCasePrincipal, 'thisOrgKey'>, Credentials>;
let otherOrganization = '';
const orgKeyScopes = ['organizations:write', 'events:read', 'webhooks:write'] as const;

interface OrganizationTarget {
  orgId: string;
  /** A member of A (role member) to act on. */
  userId: string;
  /** A user in no organization, to add. */
  freeUserId: string;
  /** A key of A, made by A's owner, to revoke. */
  keyId: string;
  /** A key of A: the `thisOrgKey` credential of this cell. */
  thisOrgKey: string;
  /** A SCIM connection of A, made by the CLI. */
  connectionId: string;
  /** A SCIM group of A (pushed through that connection), with the member to act on in it. */
  groupId: string;
}

async function organizationKeySecret(organizationId: string, madeBy: Principal = system): Promise<{ id: string; secret: string }> {
  const { apiKey, secret } = await createOrganizationApiKey({ db: await db(), principal: madeBy }, organizationId, { name: 'org key', scopes: [...orgKeyScopes] });
  return { id: apiKey.id, secret };
}

/** Organization A, fresh for each call: owned by orgOwner, with orgAdmin, orgMember and a member to act on, and two keys. */
async function freshKeyedOrganization(): Promise<OrganizationTarget> {
  const ctx = { db: await db(), principal: system };
  const userId = await freshTarget();
  const organization = await createOrganization(ctx, { name: 'A', slug: `a-${uuidv7()}`, ownerId: keyCaseCredentials.orgOwner.userId }, 'open');
  for (const [member, role] of [[keyCaseCredentials.orgAdmin.userId!, 'admin'], [keyCaseCredentials.orgMember.userId!, 'member'], [userId, 'member']] as const) {
    await addMember(ctx, organization.id, { userId: member, role });
  }
  const owner: Principal = { kind: 'user', door: 'api', userId: keyCaseCredentials.orgOwner.userId!, role: 'member' };
  const connectionId = (await createScimConnection(ctx, organization.id, { name: 'IdP' })).connection.id;
  const scope: ScimScope = { organizationId: organization.id, connectionId, passwordSetup: 'none' };
  return {
    orgId: organization.id,
    userId,
    freeUserId: await freshTarget(),
    keyId: (await organizationKeySecret(organization.id, owner)).id,
    thisOrgKey: (await organizationKeySecret(organization.id)).secret,
    connectionId,
    groupId: (await createScimGroup(await db(), scope, { displayName: 'Admins', externalId: null, memberIds: [] })).id,
  };
}

interface OrganizationCell {
  path: (target: OrganizationTarget) => string;
  body?: (target: OrganizationTarget) => unknown;
  expect: KeyCaseStatuses;
}

const everyKeyCase = (status: number): KeyCaseStatuses => Object.fromEntries(keyCasePrincipals.map((name) => [name, status]));
/** Managing A's keys: staff who manage keys, A's owners and admins; whoever cannot see A is told it does not exist. */
const organizationKeys = (ok: number): KeyCaseStatuses => ({
  anonymous: 401, staffAdmin: ok, staffViewer: 403, orgOwner: ok, orgAdmin: ok, orgMember: 403, otherOrgMember: 404, thisOrgKey: 403, otherOrgKey: 404,
});
/** A's webhook endpoints: staff with webhooks:write and A's own keys; end users hold no webhooks:write. */
const organizationEndpoints = (ok: number): KeyCaseStatuses => ({
  anonymous: 401, staffAdmin: ok, staffViewer: 403, orgOwner: 403, orgAdmin: 403, orgMember: 403, otherOrgMember: 403, thisOrgKey: ok, otherOrgKey: 404,
});
/** An organization route as A's key (an admin of A: organizations:write) and B's key (A does not exist for it). */
const keysOnly = (thisOrgKey: number, otherOrgKey = 404): KeyCaseStatuses => ({ thisOrgKey, otherOrgKey });
/** The routes with no more than 405 and a preflight for the methods they don't serve. */
const unserved = (path: OrganizationCell['path'], methods: string[]): Record<string, OrganizationCell> => ({
  ...Object.fromEntries(methods.map((method) => [method, { path, expect: everyKeyCase(405) }])),
  OPTIONS: { path, expect: everyKeyCase(204) },
});

const keysPath = (t: OrganizationTarget) => `/api/v1/organizations/${t.orgId}/api-keys`;
const keyPath = (t: OrganizationTarget) => `/api/v1/organizations/${t.orgId}/api-keys/${t.keyId}`;
const orgEndpointsPath = (t: OrganizationTarget) => `/api/v1/organizations/${t.orgId}/webhook-endpoints`;
const orgPath = (t: OrganizationTarget) => `/api/v1/organizations/${t.orgId}`;
const membersPath = (t: OrganizationTarget) => `/api/v1/organizations/${t.orgId}/members`;
const memberPath = (t: OrganizationTarget) => `/api/v1/organizations/${t.orgId}/members/${t.userId}`;

/** A's SCIM connections: read by A's owners, admins and its keys with organizations:write (and staff admins)... */
const scimConnectionsRead = (ok: number): KeyCaseStatuses => ({ ...organizationKeys(ok), thisOrgKey: ok });
/** ...and made, rotated, revoked by the same people, but by no key: a SCIM token is a credential into A. */
const scimConnectionsManage = organizationKeys;
const scimConnectionsPath = (t: OrganizationTarget) => `/api/v1/organizations/${t.orgId}/scim-connections`;
const scimConnectionPath = (t: OrganizationTarget) => `${scimConnectionsPath(t)}/${t.connectionId}`;
const scimGroupsPath = (t: OrganizationTarget) => `/api/v1/organizations/${t.orgId}/scim-groups`;
const scimGroupRolePath = (t: OrganizationTarget) => `${scimGroupsPath(t)}/${t.groupId}/role`;

const organizationKeyRoutes: Record<string, Record<string, OrganizationCell>> = {
  'app/api/v1/organizations/[orgId]/scim-connections/route.ts': {
    GET: { path: scimConnectionsPath, expect: scimConnectionsRead(200) },
    POST: { path: scimConnectionsPath, body: () => ({ name: 'Okta', passwordSetup: 'invitation' }), expect: scimConnectionsManage(201) },
    ...unserved(scimConnectionsPath, ['PUT', 'PATCH', 'DELETE']),
  },
  'app/api/v1/organizations/[orgId]/scim-connections/[connectionId]/route.ts': {
    GET: { path: scimConnectionPath, expect: scimConnectionsRead(200) },
    DELETE: { path: scimConnectionPath, expect: scimConnectionsManage(200) },
    ...unserved(scimConnectionPath, ['POST', 'PUT', 'PATCH']),
  },
  'app/api/v1/organizations/[orgId]/scim-connections/[connectionId]/tokens/route.ts': {
    POST: { path: (t) => `${scimConnectionPath(t)}/tokens`, expect: scimConnectionsManage(201) },
    ...unserved((t) => `${scimConnectionPath(t)}/tokens`, ['GET', 'PUT', 'PATCH', 'DELETE']),
  },
  'app/api/v1/organizations/[orgId]/scim-connections/[connectionId]/requests/route.ts': {
    GET: { path: (t) => `${scimConnectionPath(t)}/requests`, expect: scimConnectionsRead(200) },
    ...unserved((t) => `${scimConnectionPath(t)}/requests`, ['POST', 'PUT', 'PATCH', 'DELETE']),
  },
  // A's SCIM groups and the roles they grant: read as A's member list is, bound as A's members' roles are changed.
  'app/api/v1/organizations/[orgId]/scim-groups/route.ts': {
    GET: { path: scimGroupsPath, expect: { ...organizationKeys(200), staffViewer: 200, orgMember: 200, thisOrgKey: 200 } },
    ...unserved(scimGroupsPath, ['POST', 'PUT', 'PATCH', 'DELETE']),
  },
  'app/api/v1/organizations/[orgId]/scim-groups/[groupId]/role/route.ts': {
    PUT: { path: scimGroupRolePath, body: () => ({ role: 'admin' }), expect: { ...organizationKeys(200), thisOrgKey: 200 } },
    ...unserved(scimGroupRolePath, ['GET', 'POST', 'PATCH', 'DELETE']),
  },
  'app/api/v1/organizations/[orgId]/api-keys/route.ts': {
    GET: { path: keysPath, expect: organizationKeys(200) },
    POST: { path: keysPath, body: () => ({ name: 'CRM', scopes: ['organizations:read'] }), expect: organizationKeys(201) },
    ...unserved(keysPath, ['PUT', 'PATCH', 'DELETE']),
  },
  'app/api/v1/organizations/[orgId]/api-keys/[id]/route.ts': {
    DELETE: { path: keyPath, expect: organizationKeys(200) },
    ...unserved(keyPath, ['GET', 'POST', 'PUT', 'PATCH']),
  },
  'app/api/v1/organizations/[orgId]/webhook-endpoints/route.ts': {
    GET: { path: orgEndpointsPath, expect: organizationEndpoints(200) },
    POST: { path: orgEndpointsPath, body: () => ({ url: 'http://127.0.0.1:9/org', events: ['*'] }), expect: organizationEndpoints(201) },
    ...unserved(orgEndpointsPath, ['PUT', 'PATCH', 'DELETE']),
  },
};

/** Every organization route (and the service-wide ones an organization's key might try), as the two keys. */
const organizationRoutesForKeys: [file: string, method: string, cell: OrganizationCell][] = [
  ['app/api/v1/organizations/route.ts', 'GET', { path: () => '/api/v1/organizations', expect: keysOnly(403, 403) }],
  ['app/api/v1/organizations/route.ts', 'POST', { path: () => '/api/v1/organizations', body: (t) => ({ name: 'New', slug: `n-${t.freeUserId}`, ownerId: t.freeUserId }), expect: keysOnly(403, 403) }],
  ['app/api/v1/organizations/[orgId]/route.ts', 'GET', { path: orgPath, expect: keysOnly(200) }],
  ['app/api/v1/organizations/[orgId]/route.ts', 'PATCH', { path: orgPath, body: () => ({ name: 'Renamed' }), expect: keysOnly(200) }],
  ['app/api/v1/organizations/[orgId]/route.ts', 'DELETE', { path: orgPath, expect: keysOnly(403) }],
  ['app/api/v1/organizations/[orgId]/members/route.ts', 'GET', { path: membersPath, expect: keysOnly(200) }],
  ['app/api/v1/organizations/[orgId]/members/route.ts', 'POST', { path: membersPath, body: (t) => ({ userId: t.freeUserId, role: 'member' }), expect: keysOnly(201) }],
  ['app/api/v1/organizations/[orgId]/members/[userId]/route.ts', 'PATCH', { path: memberPath, body: () => ({ role: 'admin' }), expect: keysOnly(200) }],
  ['app/api/v1/organizations/[orgId]/members/[userId]/route.ts', 'DELETE', { path: memberPath, expect: keysOnly(204) }],
  ['app/api/v1/users/route.ts', 'GET', { path: () => '/api/v1/users', expect: keysOnly(403, 403) }],
  ['app/api/v1/metrics/route.ts', 'GET', { path: () => '/api/v1/metrics', expect: keysOnly(403, 403) }],
  ['app/api/v1/users/route.ts', 'POST', { path: () => '/api/v1/users', body: (t) => ({ email: `k-${t.freeUserId}@matrix.test`, name: 'K' }), expect: keysOnly(403, 403) }],
  ['app/api/v1/users/[id]/route.ts', 'GET', { path: (t) => `/api/v1/users/${t.userId}`, expect: keysOnly(403, 403) }],
  ['app/api/v1/users/[id]/route.ts', 'DELETE', { path: (t) => `/api/v1/users/${t.userId}`, expect: keysOnly(403, 403) }],
  // Readable, but only what is about the key's own organization (tests/integration/organization-keys.test.ts).
  ['app/api/v1/audit-events/route.ts', 'GET', { path: () => '/api/v1/audit-events', expect: keysOnly(200, 200) }],
  ['app/api/v1/events/route.ts', 'GET', { path: () => '/api/v1/events', expect: keysOnly(200, 200) }],
  ['app/api/v1/webhook-endpoints/route.ts', 'GET', { path: () => '/api/v1/webhook-endpoints', expect: keysOnly(200, 200) }],
];

describe('organization-owned keys', () => {
  beforeAll(async () => {
    keyCaseCredentials.anonymous = {};
    keyCaseCredentials.staffAdmin = credentials.admin;
    keyCaseCredentials.staffViewer = credentials.viewer;
    for (const name of ['orgOwner', 'orgAdmin', 'orgMember', 'otherOrgMember'] as const) keyCaseCredentials[name] = await signedInUser(`keys-${name.toLowerCase()}@matrix.test`, 'member');
    const other = await createOrganization({ db: await db(), principal: system }, { name: 'B', slug: 'keys-b-matrix', ownerId: keyCaseCredentials.otherOrgMember.userId }, 'open');
    otherOrganization = other.id;
    keyCaseCredentials.otherOrgKey = { authorization: `Bearer ${(await organizationKeySecret(otherOrganization)).secret}` };
  });

  type Cell = [title: string, file: string, method: string, cell: OrganizationCell, principals: KeyCasePrincipal[]];
  const cells: Cell[] = [
    ...Object.entries(organizationKeyRoutes).flatMap(([file, methods]) => Object.entries(methods).map(([method, cell]): Cell => [file, file, method, cell, [...keyCasePrincipals]])),
    ...organizationRoutesForKeys.map(([file, method, cell]): Cell => [`${file}, as a key of this or another organization`, file, method, cell, Object.keys(cell.expect) as KeyCasePrincipal[]]),
  ];

  describe.each(cells)('%s %s', (_title, file, method, cell, principals) => {
    it.each(principals)('as %s', async (principal) => {
      const loaded = (await import(/* @vite-ignore */ path.join(ROOT, file))) as RouteModule;
      const target = await freshKeyedOrganization();
      const url = new URL(cell.path(target), BASE);
      const authorization = principal === 'thisOrgKey' ? `Bearer ${target.thisOrgKey}` : keyCaseCredentials[principal].authorization;
      const headers: Record<string, string> = { origin: BASE, ...fromClient(`192.0.2.${100 + keyCasePrincipals.indexOf(principal)}`), ...(authorization ? { authorization } : {}) };
      requestHeaders.set({});
      if (cell.body) headers['content-type'] = 'application/json';
      const request = new Request(url, { method, headers, body: cell.body && JSON.stringify(cell.body(target)) });
      const before = await snapshot();

      const response = await loaded[method]!(request, {
        params: Promise.resolve({ orgId: target.orgId, userId: target.userId, id: file.includes('/users/') ? target.userId : target.keyId, connectionId: target.connectionId, groupId: target.groupId }),
      });

      // A stream answers 200 and would stay open: this cell is about who gets in, so hang up.
      const streaming = response.headers.get('content-type')?.startsWith('text/event-stream');
      if (streaming) await response.body!.cancel();
      expect(response.status, streaming ? 'a stream' : await response.text()).toBe(cell.expect[principal]);
      if (response.status >= 400) expect(await snapshot()).toEqual(before);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// SCIM (issue 33): every route under /api/scim/v2 answers only a live connection token, and only for its own
// organization. Users, bearer sessions and API keys get 401 (the SCIM error schema), as do revoked tokens.
// ---------------------------------------------------------------------------------------------------------------

const scimPrincipals = ['anonymous', 'owner', 'writeKey', 'thisToken', 'otherOrgToken', 'revokedToken'] as const;
type ScimPrincipal = (typeof scimPrincipals)[number];
interface ScimTarget {
  userId: string;
  groupId: string;
}
interface ScimCell {
  path: string | ((target: ScimTarget) => string);
  body?: () => unknown;
  expect: Record<ScimPrincipal, number>;
}
/** Discovery: the same documents for every connection; any live token reads them. */
const discovery = (status: number): Record<ScimPrincipal, number> => ({ anonymous: 401, owner: 401, writeKey: 401, thisToken: status, otherOrgToken: status, revokedToken: 401 });
/** A user or group of this token's organization: another organization's token finds nothing (404). */
const ownResource = (status: number): Record<ScimPrincipal, number> => ({ ...discovery(status), otherOrgToken: 404 });
const scimUserPath = (t: ScimTarget) => `/api/scim/v2/Users/${t.userId}`;
const scimGroupPath = (t: ScimTarget) => `/api/scim/v2/Groups/${t.groupId}`;
const scimUserBody = () => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `matrix-${uuidv7()}@example.com` });
const scimGroupBody = () => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `matrix ${uuidv7()}` });
const scimPatch = (operation: unknown) => () => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [operation] });

const scimRoutes: Record<string, Record<string, ScimCell>> = {
  'app/api/scim/v2/ServiceProviderConfig/route.ts': { GET: { path: '/api/scim/v2/ServiceProviderConfig', expect: discovery(200) } },
  'app/api/scim/v2/ResourceTypes/route.ts': { GET: { path: '/api/scim/v2/ResourceTypes', expect: discovery(200) } },
  'app/api/scim/v2/ResourceTypes/[id]/route.ts': { GET: { path: '/api/scim/v2/ResourceTypes/User', expect: discovery(200) } },
  'app/api/scim/v2/Schemas/route.ts': { GET: { path: '/api/scim/v2/Schemas', expect: discovery(200) } },
  'app/api/scim/v2/Schemas/[id]/route.ts': { GET: { path: '/api/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group', expect: discovery(200) } },
  // Each token lists and creates in its own organization only.
  'app/api/scim/v2/Users/route.ts': {
    GET: { path: '/api/scim/v2/Users', expect: discovery(200) },
    POST: { path: '/api/scim/v2/Users', body: scimUserBody, expect: discovery(201) },
  },
  'app/api/scim/v2/Users/[id]/route.ts': {
    GET: { path: scimUserPath, expect: ownResource(200) },
    PUT: { path: scimUserPath, body: scimUserBody, expect: ownResource(200) },
    PATCH: { path: scimUserPath, body: scimPatch({ op: 'replace', value: { active: false } }), expect: ownResource(200) },
    DELETE: { path: scimUserPath, expect: ownResource(204) },
  },
  'app/api/scim/v2/Groups/route.ts': {
    GET: { path: '/api/scim/v2/Groups', expect: discovery(200) },
    POST: { path: '/api/scim/v2/Groups', body: scimGroupBody, expect: discovery(201) },
  },
  'app/api/scim/v2/Groups/[id]/route.ts': {
    GET: { path: scimGroupPath, expect: ownResource(200) },
    PUT: { path: scimGroupPath, body: scimGroupBody, expect: ownResource(200) },
    PATCH: { path: scimGroupPath, body: scimPatch({ op: 'replace', path: 'displayName', value: `renamed ${uuidv7()}` }), expect: ownResource(200) },
    DELETE: { path: scimGroupPath, expect: ownResource(204) },
  },
};

describe('SCIM routes', () => {
  const tokens = {} as Record<'thisToken' | 'otherOrgToken' | 'revokedToken', string>;
  let thisScope: ScimScope;
  beforeAll(async () => {
    const ctx = { db: await db(), principal: system };
    const [owner] = await (await db()).select({ id: users.id }).from(users).where(eq(users.email, emails.owner!));
    const make = async (slug: string) => {
      const organization = await createOrganization(ctx, { name: slug, slug, ownerId: owner!.id }, 'open');
      return { organizationId: organization.id, ...(await createScimConnection(ctx, organization.id, { name: 'IdP' })) };
    };
    const mine = await make('scim-a-matrix');
    tokens.thisToken = mine.token;
    thisScope = { organizationId: mine.organizationId, connectionId: mine.connection.id, passwordSetup: 'none' };
    tokens.otherOrgToken = (await make('scim-b-matrix')).token;
    const revoked = await make('scim-c-matrix');
    await revokeScimConnection(ctx, revoked.organizationId, revoked.connection.id);
    tokens.revokedToken = revoked.token;
  });

  /** A fresh user and group in the first token's organization, for cells that change or delete them. */
  async function freshScimTarget(): Promise<ScimTarget> {
    const userName = `target-${uuidv7()}@example.com`;
    const user = await createScimUser(await db(), thisScope, { userName, externalId: null, givenName: null, familyName: null, displayName: null, email: null, active: undefined, employeeNumber: null, department: null, managerId: null });
    const group = await createScimGroup(await db(), thisScope, { displayName: `target ${uuidv7()}`, externalId: null, memberIds: [user.id] });
    return { userId: user.id, groupId: group.id };
  }

  const cells = Object.entries(scimRoutes).flatMap(([file, methods]) => Object.entries(methods).map(([method, cell]) => [file, method, cell] as const));
  describe.each(cells)('%s %s', (file, method, cell) => {
    it.each(scimPrincipals)('as %s', async (principal) => {
      const loaded = (await import(/* @vite-ignore */ path.join(ROOT, file))) as RouteModule;
      const authorization = principal === 'thisToken' || principal === 'otherOrgToken' || principal === 'revokedToken' ? `Bearer ${tokens[principal]}` : credentials[principal].authorization;
      const target = typeof cell.path === 'string' ? { userId: '', groupId: '' } : await freshScimTarget();
      const url = typeof cell.path === 'string' ? cell.path : cell.path(target);
      const body = cell.body?.();
      const headers: Record<string, string> = { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) };
      const request = new Request(new URL(url, BASE), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const before = await snapshot();
      const id = decodeURIComponent(url.split('/').at(-1)!);
      const response = await loaded[method]!(request, { params: Promise.resolve({ id }) });
      const text = await response.text();
      expect(response.status, text).toBe(cell.expect[principal]);
      if (response.status !== 204) expect(response.headers.get('content-type')).toBe('application/scim+json');
      if (response.status === 401) {
        expect((JSON.parse(text) as { status?: string }).status).toBe('401');
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
      }
      if (response.status >= 400) expect(await snapshot()).toEqual(before);
    });
  });
});
