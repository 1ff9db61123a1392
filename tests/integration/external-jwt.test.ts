import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { base64url, decodeJwt, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getAuth } from '@/auth';
import { closeDatabase, getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents, externalIdentities, users, type UserRow } from '@/db/schema';
import { userIdForExternalSubject } from '@/core/accounts/external-identities';
import * as meRoute from '../../app/api/v1/me/route';
import { fromClient } from '../support/client-ip';
import { describeEachDatabase } from '../support/database';
import type { Problem } from '../support/problem';

// revalidateTag throws outside a Next request.
vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const BASE = 'http://localhost:3000';
const ME = '/api/v1/me';
const AUDIENCE = 'https://roster.test/api';
const KID = 'idp-key-1';
// What /me answers: the user's DTO and the organizations they belong to.
const ME_KEYS = ['createdAt', 'email', 'externalId', 'id', 'impersonator', 'metadata', 'name', 'organizations', 'plan', 'role', 'status', 'subscriptionStatus', 'updatedAt', 'version'];
const ENV_KEYS = ['ROSTER_JWT_ISSUER', 'ROSTER_JWKS_URL', 'ROSTER_JWT_AUDIENCE', 'ROSTER_BASE_URL'] as const;

/** A trusted external identity provider: an ES256 key pair whose public half is served at /jwks.json. */
let jwksServer: Server;
let issuer: string;
let jwksUrl: string;
let signingKey: CryptoKey;
let publicJwk: JWK;
let jwksRequests = 0;

let db: Database;
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

async function startJwksServer(): Promise<void> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  signingKey = privateKey;
  publicJwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
  jwksServer = createServer((request, response) => {
    if (request.url === '/jwks.json') {
      jwksRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [publicJwk] }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const { port } = jwksServer.address() as AddressInfo;
  issuer = `http://127.0.0.1:${port}`;
  jwksUrl = `${issuer}/jwks.json`;
}

/** Sets the external-issuer env the way an operator would; Roster reads it on every request. */
function trustExternalIssuer(overrides: Partial<Record<(typeof ENV_KEYS)[number], string | undefined>> = {}): void {
  const values = { ROSTER_JWT_ISSUER: issuer, ROSTER_JWKS_URL: jwksUrl, ROSTER_JWT_AUDIENCE: AUDIENCE, ...overrides };
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

interface TokenOptions {
  claims?: JWTPayload;
  issuer?: string | null;
  audience?: string | null;
  /** Seconds from now; null for no `exp` claim at all. */
  expiresIn?: number | null;
  key?: CryptoKey;
  kid?: string;
}

/** A JWT as the external issuer would mint it, with any one part made wrong on request. */
async function externalToken({ claims = {}, issuer: iss = issuer, audience = AUDIENCE, expiresIn = 300, key = signingKey, kid = KID }: TokenOptions = {}) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).setIssuedAt(now);
  if (iss !== null) jwt.setIssuer(iss);
  if (audience !== null) jwt.setAudience(audience);
  if (expiresIn !== null) jwt.setExpirationTime(now + expiresIn);
  return jwt.sign(key);
}

const CLIENT_IP = '203.0.113.9';

function call(method: 'GET' | 'PATCH', token: string | null, json?: unknown): Promise<Response> {
  const headers: Record<string, string> = fromClient(CLIENT_IP);
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const init: RequestInit = { method, headers };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    headers['content-type'] = 'application/json';
  }
  return meRoute[method](new Request(new URL(ME, BASE), init), { params: Promise.resolve({}) });
}

async function expectMe(response: Response, user: UserRow): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(ME_KEYS);
  expect(body).toMatchObject({ id: user.id, email: user.email, name: user.name, role: user.role, status: user.status });
}

/** 401 problem+json with the RFC 6750 challenge for a presented but unacceptable token. */
async function expectInvalidToken(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(401);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  const problem = JSON.parse(text) as Problem;
  expect(problem).toMatchObject({ type: 'urn:roster:problem:unauthenticated', status: 401, instance: ME });
}

async function insertUser(fields: Partial<UserRow> = {}): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({ id: uuidv7(), email: `user-${uuidv7()}@example.com`, name: 'Someone', role: 'viewer', emailVerified: true, ...fields })
    .returning();
  return row!;
}
const userRow = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0]!;

/** What the issuer says about a person it knows by `sub` and whose address it verified. */
const verified = (email: string, sub = `idp|${uuidv7()}`) => ({ sub, email, email_verified: true });
const links = () => db.select({ issuer: externalIdentities.issuer, subject: externalIdentities.subject, userId: externalIdentities.userId }).from(externalIdentities);

beforeAll(async () => {
  if (process.env.DATABASE_URL) throw new Error('Unset DATABASE_URL: these tests run on the in-memory database vitest.config.ts sets up.');
  for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
  ({ db } = await getDatabase());
  await startJwksServer();
});
afterAll(async () => {
  await new Promise((resolve) => jwksServer.close(resolve));
  await closeDatabase();
});
beforeEach(async () => {
  // Better Auth's sessions and accounts reference users: empty them with it.
  await db.execute(sql`TRUNCATE users, audit_events CASCADE`);
  trustExternalIssuer();
});
afterEach(() => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

describe('GET /api/v1/me with an external issuer’s JWT', () => {
  it('links a new subject to the user with its `email` (case-insensitively) when the issuer verified it, and audits the link', async () => {
    const user = await insertUser({ email: 'grace@example.com', name: 'Grace', role: 'admin' });
    const token = await externalToken({ claims: verified('Grace@Example.COM', 'idp|12345') });

    await expectMe(await call('GET', token), user);
    expect(jwksRequests).toBeGreaterThan(0);
    expect(await links()).toEqual([{ issuer, subject: 'idp|12345', userId: user.id }]);
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.action, 'user.external-identity-linked'));
    expect(event).toMatchObject({ actor: `user:${user.id}`, door: 'api', subjectId: user.id, data: { issuer, externalSubject: 'idp|12345', clientIp: CLIENT_IP } });
    // The next token maps by the stored subject: no second link, no second event.
    await expectMe(await call('GET', token), user);
    expect(await links()).toHaveLength(1);
    expect(await db.select().from(auditEvents).where(eq(auditEvents.action, 'user.external-identity-linked'))).toHaveLength(1);
  });

  it('maps a linked subject by `sub` alone, whatever email the token carries later', async () => {
    const user = await insertUser({ email: 'ada@example.com', name: 'Ada' });
    const other = await insertUser({ email: 'other@example.com' });
    await expectMe(await call('GET', await externalToken({ claims: verified(user.email, 'idp|ada') })), user);

    await expectMe(await call('GET', await externalToken({ claims: { sub: 'idp|ada' } })), user);
    await expectMe(await call('GET', await externalToken({ claims: verified(other.email, 'idp|ada') })), user);
    expect(await links()).toEqual([{ issuer, subject: 'idp|ada', userId: user.id }]);
  });

  it('never links by an email the issuer did not verify, nor to an address Roster has not verified', async () => {
    const user = await insertUser({ email: 'unverified@example.com' });
    for (const claims of [
      { sub: 'idp|1', email: user.email },
      { sub: 'idp|2', email: user.email, email_verified: false },
      { sub: 'idp|3', email: user.email, email_verified: 'true' },
    ]) {
      await expectInvalidToken(await call('GET', await externalToken({ claims })));
    }
    const selfSignedUp = await insertUser({ email: 'claimed-first@example.com', emailVerified: false });
    await expectInvalidToken(await call('GET', await externalToken({ claims: verified(selfSignedUp.email) })));
    expect(await links()).toEqual([]);
  });

  it('refuses a second subject of the same issuer for a user already linked, and stores nothing', async () => {
    const user = await insertUser({ email: 'linked@example.com' });
    await expectMe(await call('GET', await externalToken({ claims: verified(user.email, 'idp|first') })), user);

    await expectInvalidToken(await call('GET', await externalToken({ claims: verified(user.email, 'idp|second') })));
    expect(await links()).toEqual([{ issuer, subject: 'idp|first', userId: user.id }]);
  });

  it('links once when a new subject’s first tokens arrive together', async () => {
    const user = await insertUser({ email: 'burst@example.com' });
    const token = await externalToken({ claims: verified(user.email, 'idp|burst') });
    const responses = await Promise.all(Array.from({ length: 5 }, () => call('GET', token)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await links()).toEqual([{ issuer, subject: 'idp|burst', userId: user.id }]);
  });

  it('defaults the expected audience to Roster’s base URL', async () => {
    const user = await insertUser({ email: 'aud@example.com' });
    trustExternalIssuer({ ROSTER_JWT_AUDIENCE: undefined, ROSTER_BASE_URL: 'https://roster.example.org' });

    await expectMe(await call('GET', await externalToken({ claims: verified(user.email), audience: 'https://roster.example.org' })), user);
    await expectInvalidToken(await call('GET', await externalToken({ claims: verified(user.email), audience: AUDIENCE })));
  });

  it('is ignored entirely when no external issuer is configured', async () => {
    const user = await insertUser({ email: 'off@example.com' });
    const token = await externalToken({ claims: verified(user.email) });
    trustExternalIssuer({ ROSTER_JWT_ISSUER: undefined, ROSTER_JWKS_URL: undefined });

    await expectInvalidToken(await call('GET', token));
  });

  describe('401 invalid_token', () => {
    let user: UserRow;
    beforeEach(async () => {
      user = await insertUser({ email: 'target@example.com', role: 'owner' });
    });

    it('signed by a different key that claims the issuer’s kid', async () => {
      const { privateKey: forger } = await generateKeyPair('ES256');
      await expectInvalidToken(await call('GET', await externalToken({ claims: verified(user.email), key: forger })));
    });

    it('signed by a key the JWKS does not have (unknown kid)', async () => {
      const { privateKey: forger } = await generateKeyPair('ES256');
      await expectInvalidToken(await call('GET', await externalToken({ claims: verified(user.email), key: forger, kid: 'forged' })));
    });

    it('from the wrong issuer', async () => {
      await expectInvalidToken(await call('GET', await externalToken({ claims: verified(user.email), issuer: 'https://evil.example.com' })));
    });

    it('with the issuer’s URL but a trailing slash it does not use', async () => {
      await expectInvalidToken(await call('GET', await externalToken({ claims: verified(user.email), issuer: `${issuer}/` })));
    });

    it('without an issuer', async () => {
      await expectInvalidToken(await call('GET', await externalToken({ claims: verified(user.email), issuer: null })));
    });

    it('for another audience', async () => {
      await expectInvalidToken(await call('GET', await externalToken({ claims: verified(user.email), audience: 'https://other-app.example.com' })));
    });

    it('without an audience', async () => {
      await expectInvalidToken(await call('GET', await externalToken({ claims: verified(user.email), audience: null })));
    });

    it('expired', async () => {
      await expectInvalidToken(await call('GET', await externalToken({ claims: verified(user.email), expiresIn: -60 })));
    });

    it('without `exp`', async () => {
      await expectInvalidToken(await call('GET', await externalToken({ claims: verified(user.email), expiresIn: null })));
    });

    it('not yet valid (`nbf` in the future)', async () => {
      const nbf = Math.floor(Date.now() / 1000) + 600;
      await expectInvalidToken(await call('GET', await externalToken({ claims: { ...verified(user.email), nbf }, expiresIn: 1200 })));
    });

    it('unsigned (`alg: none`)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const unsigned = new UnsecuredJWT(verified(user.email)).setIssuer(issuer).setAudience(AUDIENCE).setIssuedAt(now).setExpirationTime(now + 300).encode();
      expect(unsigned.split('.')).toHaveLength(3);
      await expectInvalidToken(await call('GET', unsigned));
    });

    it('`alg: none` header on an otherwise valid token, signature stripped', async () => {
      const [, payload] = (await externalToken({ claims: verified(user.email) })).split('.');
      const header = base64url.encode(JSON.stringify({ alg: 'none', kid: KID, typ: 'JWT' }));
      await expectInvalidToken(await call('GET', `${header}.${payload}.`));
    });

    it('HS256 keyed with the issuer’s public key (algorithm confusion)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
      const token = await new SignJWT(verified(user.email))
        .setProtectedHeader({ alg: 'HS256', kid: KID })
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(secret);
      await expectInvalidToken(await call('GET', token));
    });

    it('valid, but for an email that matches no user', async () => {
      await expectInvalidToken(await call('GET', await externalToken({ claims: verified('nobody@example.com') })));
    });

    it('valid, but without `sub`', async () => {
      await expectInvalidToken(await call('GET', await externalToken({ claims: { email: user.email, email_verified: true } })));
    });

    it('valid, but its `sub` is unknown and it has no email; a Roster user id as `sub` maps nobody either', async () => {
      await expectInvalidToken(await call('GET', await externalToken({ claims: { sub: 'idp|12345' } })));
      await expectInvalidToken(await call('GET', await externalToken({ claims: { sub: user.id } })));
    });

    it('valid, but for a suspended user', async () => {
      const suspended = await insertUser({ email: 'suspended@example.com', status: 'suspended' });
      await expectInvalidToken(await call('GET', await externalToken({ claims: verified(suspended.email) })));
    });
  });

  it('PATCH: the token can change the user’s name but not their role (422, nothing written)', async () => {
    const user = await insertUser({ email: 'member@example.com', name: 'Member', role: 'member' });
    const token = await externalToken({ claims: verified(user.email) });

    const refused = await call('PATCH', token, { role: 'owner' });
    const text = await refused.text();
    expect(refused.status, text).toBe(422);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    // Nothing of the refused change; the token's use only marks the user active today (src/core/metrics/activity.ts).
    expect(await userRow(user.id)).toEqual({ ...user, lastActiveAt: expect.any(Date) });

    const renamed = await call('PATCH', token, { name: 'Renamed' });
    expect(renamed.status, await renamed.clone().text()).toBe(200);
    expect(await userRow(user.id)).toMatchObject({ role: 'member', name: 'Renamed', version: user.version + 1 });
  });
});

describe('GET /api/v1/me with Roster’s own JWT', () => {
  async function signUpAndGetJwt(email: string) {
    const auth = await getAuth();
    const response = await auth.api.signUpEmail({ body: { email, password: 'correct horse battery', name: 'Jay' }, asResponse: true });
    expect(response.status, await response.clone().text()).toBe(200);
    const sessionToken = response.headers.get('set-auth-token');
    expect(sessionToken).toBeTruthy();
    const { token } = await auth.api.getToken({ headers: new Headers({ authorization: `Bearer ${sessionToken}` }) });
    return token;
  }

  it('works on /me, and the external issuer being configured changes nothing', async () => {
    const token = await signUpAndGetJwt('jay@example.com');
    const user = (await db.select().from(users).where(eq(users.email, 'jay@example.com')))[0]!;
    expect(decodeJwt(token)).toMatchObject({ iss: BASE, aud: BASE, sub: user.id });

    await expectMe(await call('GET', token), user);
    trustExternalIssuer({ ROSTER_JWT_ISSUER: undefined, ROSTER_JWKS_URL: undefined });
    await expectMe(await call('GET', token), user);
  });

  it('stops working when tampered with', async () => {
    const token = await signUpAndGetJwt('tamper@example.com');
    const other = await insertUser({ email: 'victim@example.com', role: 'owner' });
    const [header, payload, signature] = token.split('.') as [string, string, string];

    // Claims rewritten to another user, original signature kept.
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as JWTPayload;
    const forgedPayload = base64url.encode(JSON.stringify({ ...claims, sub: other.id, email: other.email }));
    await expectInvalidToken(await call('GET', `${header}.${forgedPayload}.${signature}`));

    // Signature altered (a byte in the middle, so the change is not lost in base64url padding bits).
    const bytes = base64url.decode(signature);
    bytes[10] = bytes[10]! ^ 0xff;
    await expectInvalidToken(await call('GET', `${header}.${payload}.${base64url.encode(bytes)}`));

    // Signature stripped and the algorithm set to none.
    const none = base64url.encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(header))), alg: 'none' }));
    await expectInvalidToken(await call('GET', `${none}.${payload}.`));

    // The untouched token still works.
    expect((await call('GET', token)).status).toBe(200);
  });

  it('stops working once its user is suspended', async () => {
    const token = await signUpAndGetJwt('later-suspended@example.com');
    await db.update(users).set({ status: 'suspended' }).where(eq(users.email, 'later-suspended@example.com'));
    await expectInvalidToken(await call('GET', token));
  });
});

describeEachDatabase('linking an external subject, racing (two connections on PostgreSQL)', (database) => {
  const ISSUER = 'https://idp.example.com';
  async function verifiedUser(email: string): Promise<string> {
    const [row] = await database().insert(users).values({ id: uuidv7(), email, name: 'Racer', role: 'viewer', emailVerified: true }).returning();
    return row!.id;
  }
  const linksIn = () => database().select({ subject: externalIdentities.subject, userId: externalIdentities.userId }).from(externalIdentities);

  it('a new subject’s first tokens, together, store one link and one event, and all map to the user', async () => {
    const userId = await verifiedUser('racer@example.com');
    const claims = { issuer: ISSUER, subject: 'idp|racer', email: 'racer@example.com', emailVerified: true, clientIp: null };
    const mapped = await Promise.all(Array.from({ length: 8 }, () => userIdForExternalSubject(database(), claims)));
    expect(mapped).toEqual(Array(8).fill(userId));
    expect(await linksIn()).toEqual([{ subject: 'idp|racer', userId }]);
    expect(await database().select().from(auditEvents).where(eq(auditEvents.action, 'user.external-identity-linked'))).toHaveLength(1);
  });

  it('two subjects racing for one user: one is linked, the other maps nobody', async () => {
    const userId = await verifiedUser('contested@example.com');
    const claims = (subject: string) => ({ issuer: ISSUER, subject, email: 'contested@example.com', emailVerified: true, clientIp: null });
    const mapped = await Promise.all([userIdForExternalSubject(database(), claims('idp|a')), userIdForExternalSubject(database(), claims('idp|b'))]);
    expect(mapped.filter((id) => id === userId)).toHaveLength(1);
    expect(mapped.filter((id) => id === null)).toHaveLength(1);
    expect(await linksIn()).toEqual([{ subject: mapped[0] ? 'idp|a' : 'idp|b', userId }]);
  });
});
