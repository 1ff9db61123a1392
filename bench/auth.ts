// Who the bench acts as, and the credentials it sends with every request, per door. Each bench database gets an
// owner (password known only to this process) and a users:read + users:write + organizations:read API key, made through the core by a
// system principal at seed time (seedIdentities, bench/database.ts). Once a Next server is up, authenticate()
// signs in over HTTP as that owner for the console's session cookie and sets the API key's bearer header; the
// Route Handler and the raw floor both receive that header and both authenticate it per request. Everything the
// bench sends (the one client, autocannon and the read-backs alike) takes its headers from `credentials`.
import { randomBytes } from 'node:crypto';
import { createApiKey } from '@/core/api-keys';
import type { Principal } from '@/core/principal';
import { createOwner } from '@/core/users';
import type { Database } from '@/db/client';

export const credentials: { console: Record<string, string>; api: Record<string, string> } = {
  console: {}, // { cookie: 'roster.session_token=…' }, from signing in as the bench owner
  api: {}, // { authorization: 'Bearer rst_…' }, the seeded API key
};

/** For the report. */
export const authenticationNote =
  'the console doors send the session cookie of an owner the bench seeds and signs in as (over HTTP, once per server start); ' +
  'the Route Handler and the raw floor send `Authorization: Bearer` with a seeded users:read + users:write + organizations:read API key, which both ' +
  'authenticate on every request (the raw floor with the same core function as the Route Handler). An API key acts as an admin, ' +
  'so the users the scenarios update and delete are members and viewers only; organizations:read puts it on the staff plane, ' +
  'where reading any organization’s members needs no membership lookup.';

const benchPrincipal: Principal = { kind: 'system', door: 'cli', name: 'bench' };
const SESSION_COOKIE = 'roster.session_token';

// Unique per invocation: BENCH_DATABASE_URL may be a database an earlier run seeded.
const owner = {
  email: `bench.owner.${randomBytes(4).toString('hex')}@example.com`,
  name: 'Bench Owner',
  password: randomBytes(24).toString('base64url'),
};

/**
 * Seeds the bench owner, its API key and `eventKeyCount` events:read keys (the fan-out scenario's subscribers) into a
 * database; resolves to the keys' secrets (shown this once).
 */
export async function seedIdentities(db: Database, eventKeyCount: number): Promise<{ apiKeySecret: string; eventKeys: string[] }> {
  const ctx = { db, principal: benchPrincipal };
  await createOwner(ctx, owner);
  const { secret } = await createApiKey(ctx, { name: 'bench', scopes: ['users:read', 'users:write', 'organizations:read'] });
  const eventKeys: string[] = [];
  for (let i = 0; i < eventKeyCount; i++) eventKeys.push((await createApiKey(ctx, { name: `bench events ${i}`, scopes: ['events:read'] })).secret);
  return { apiKeySecret: secret, eventKeys };
}

/** Fills `credentials` for a freshly started Next server (and the raw floor next to it, which shares the API key). */
export async function authenticate(nextOrigin: string, apiKeySecret: string): Promise<void> {
  credentials.api = { authorization: `Bearer ${apiKeySecret}` };
  credentials.console = { cookie: `${SESSION_COOKIE}=${await signIn(nextOrigin)}` };
}

/** Signs in as the bench owner through Better Auth's endpoint, as the sign-in page does; the session token's value. */
async function signIn(origin: string): Promise<string> {
  const response = await fetch(`${origin}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email: owner.email, password: owner.password }),
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`signing in as the bench owner answered ${response.status}: ${body.slice(0, 300)}`);
  const prefix = `${SESSION_COOKIE}=`;
  const cookie = response.headers.getSetCookie().find((header) => header.startsWith(prefix));
  const value = cookie?.slice(prefix.length).split(';')[0];
  if (!value) throw new Error(`signing in as the bench owner set no ${SESSION_COOKIE} cookie`);
  return value;
}
