import { hashPassword } from 'better-auth/crypto';
import { v7 as uuidv7 } from 'uuid';
import { getAuth } from '@/auth';
import { createAuth, type Auth } from '@/auth/auth';
import { createApiKey } from '@/core/api-keys';
import type { ApiKeyScope, Door, Principal } from '@/core/principal';
import type { Role } from '@/core/users';
import { getDatabase } from '@/db';
import type { Database, DatabaseHandle } from '@/db/client';
import { accounts, users, type UserRow } from '@/db/schema';
import { fromClient } from './client-ip';

// Who the tests act as. Every core use case checks its principal and every door authenticates, so a test
// acts as a real user (a row in `users`, signed in through Better Auth where a door needs it) or a real API key.

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** The password every test user signs in with. */
export const TEST_PASSWORD = 'correct horse battery staple';

let sequence = 0;
// scrypt is slow on purpose: hash the one test password once per file.
let passwordHash: Promise<string> | undefined;
const testPasswordHash = () => (passwordHash ??= hashPassword(TEST_PASSWORD));

/** Unique, and on a domain no test's own data uses, so a caller never collides with the users a test creates. */
const uniqueEmail = (role: Role) => `${role}-${++sequence}-${uuidv7().slice(-12)}@principals.roster.test`;

export interface TestUserOptions {
  email?: string;
  name?: string;
  status?: UserRow['status'];
  /** Also store a password account (TEST_PASSWORD), so the user can sign in. */
  password?: boolean;
}

/** Inserts a user with `role` straight into the table (no audit event: it is the test's setup, not its subject). */
export async function insertUser(db: Database, role: Role, { email, name, status = 'active', password = false }: TestUserOptions = {}): Promise<UserRow> {
  const hash = password ? await testPasswordHash() : undefined;
  const [row] = await db
    .insert(users)
    .values({ id: uuidv7(), email: email ?? uniqueEmail(role), name: name ?? `Test ${role}`, role, status })
    .returning();
  if (hash) {
    await db.insert(accounts).values({ id: uuidv7(), accountId: row!.id, providerId: 'credential', userId: row!.id, password: hash });
  }
  return row!;
}

/** A signed-in user principal for a freshly inserted user with `role`. */
export async function principalFor(db: Database, role: Role, door: Door = 'api', options: TestUserOptions = {}): Promise<UserPrincipal> {
  const row = await insertUser(db, role, options);
  return { kind: 'user', door, userId: row.id, role };
}

/** Roster's own tools (`system:<name>` in the audit trail): the CLI by default. */
export const systemPrincipal = (door: Door = 'cli', name = 'cli'): Principal => ({ kind: 'system', door, name });

// ---------------------------------------------------------------------------------------------------------
// Signing in through Better Auth.

const globalForDb = globalThis as unknown as { rosterDatabase?: Promise<DatabaseHandle> };
const ownAuth = new WeakMap<Database, Auth>();

/**
 * The Better Auth instance over `db`: the app's own (getAuth) for the process-wide database, so the doors accept
 * its tokens and cookies; for a database a test opened itself (describeEachDatabase), one made for that database.
 */
export async function authFor(db: Database): Promise<Auth> {
  const processWide = globalForDb.rosterDatabase;
  if (processWide && (await processWide.catch(() => undefined))?.db === db) return getAuth();
  let auth = ownAuth.get(db);
  if (!auth) {
    // The config only picks the signing secret: a random one per instance, as for an in-memory database.
    auth = createAuth(db, { driver: 'pglite', dataDir: 'memory://' });
    ownAuth.set(db, auth);
  }
  return auth;
}

let clientNumber = 0;
/**
 * A distinct client address per sign-in. Sign-ins are rate-limited per IP (30 a minute, in process memory), and
 * a test file signs in far more often than one person would; each simulated client gets its own address.
 */
function nextClientIp(): string {
  clientNumber += 1;
  return `10.${(clientNumber >> 16) & 255}.${(clientNumber >> 8) & 255}.${clientNumber & 255}`;
}

export interface Session {
  /** The bearer session token (Better Auth's `set-auth-token`), for `Authorization: Bearer …`. */
  token: string;
  /** The `roster.session_token=…` pair from `set-cookie`, for a `Cookie` header. */
  cookie: string;
}

/** Signs in with email and password, as a browser or an app would; throws unless Better Auth accepts it. */
export async function signIn(db: Database, email: string, password = TEST_PASSWORD): Promise<Session> {
  const auth = await authFor(db);
  const response = await auth.api.signInEmail({
    body: { email, password },
    headers: new Headers(fromClient(nextClientIp())),
    asResponse: true,
  });
  if (!response.ok) throw new Error(`sign-in as ${email} failed: ${response.status} ${await response.text()}`);
  const token = response.headers.get('set-auth-token');
  const cookie = /(?:^|[\s,])(roster\.session_token=[^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (!token || !cookie) throw new Error(`sign-in as ${email} returned no session token or cookie`);
  return { token, cookie };
}

export interface SignedInUser extends Session {
  userId: string;
  email: string;
  role: Role;
  headers: { authorization: string };
}

/** A freshly inserted user with `role` and a password, signed in: their session token as a bearer. */
export async function bearerFor(db: Database, role: Role, options: Omit<TestUserOptions, 'password'> = {}): Promise<SignedInUser> {
  const row = await insertUser(db, role, { ...options, password: true });
  const session = await signIn(db, row.email);
  return { userId: row.id, email: row.email, role, ...session, headers: { authorization: `Bearer ${session.token}` } };
}

export interface TestApiKey {
  id: string;
  secret: string;
  headers: { authorization: string };
}

/** An API key made through the core (by the CLI unless `createdBy` says otherwise); only here is its secret known. */
export async function apiKeyFor(
  db: Database,
  scopes: ApiKeyScope[],
  { name = `test key ${++sequence}`, expiresAt, createdBy = systemPrincipal() }: { name?: string; expiresAt?: Date; createdBy?: Principal } = {},
): Promise<TestApiKey> {
  const { apiKey, secret } = await createApiKey({ db, principal: createdBy }, { name, scopes, ...(expiresAt ? { expiresAt } : {}) });
  return { id: apiKey.id, secret, headers: { authorization: `Bearer ${secret}` } };
}

// ---------------------------------------------------------------------------------------------------------
// The console: Server Actions read the session cookie through `next/headers`, which only exists inside a Next
// request. A test file that calls actions mocks it with these, and signs in per test:
//
//   vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders() }));
//   beforeEach(async () => { await signInConsoleAs('admin'); });

let consoleCookie: string | null = null;

/** The request headers the mocked `headers()` returns: the current console session's cookie, if any. */
export function consoleRequestHeaders(): Headers {
  return new Headers(consoleCookie ? { cookie: consoleCookie } : {});
}

/** A `cookies()` store for a mock that needs one: reads the current session cookie; writes are dropped. */
export function consoleCookieStore() {
  const at = consoleCookie?.indexOf('=') ?? -1;
  const cookie = consoleCookie && at > 0 ? { name: consoleCookie.slice(0, at), value: consoleCookie.slice(at + 1) } : undefined;
  return {
    get: (name: string) => (cookie?.name === name ? cookie : undefined),
    getAll: () => (cookie ? [cookie] : []),
    has: (name: string) => cookie?.name === name,
    set: () => undefined,
    delete: () => undefined,
  };
}

/** Signs a fresh user with `role` in to the console (the process-wide database): later actions act as them. */
export async function signInConsoleAs(role: Role, options: Omit<TestUserOptions, 'password'> = {}): Promise<SignedInUser> {
  const { db } = await getDatabase();
  const user = await bearerFor(db, role, options);
  consoleCookie = user.cookie;
  return user;
}

/** Uses `cookie` (or none) as the console's session cookie from now on. */
export function setConsoleCookie(cookie: string | null): void {
  consoleCookie = cookie;
}
