import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createScimConnection } from '@/core/scim/connections';
import type { Database } from '@/db/client';
import * as groupRoute from '../../app/api/scim/v2/Groups/[id]/route';
import * as groupsRoute from '../../app/api/scim/v2/Groups/route';
import * as userRoute from '../../app/api/scim/v2/Users/[id]/route';
import * as usersRoute from '../../app/api/scim/v2/Users/route';
import { seedOrganization } from './organizations';
import { insertUser, systemPrincipal } from './principals';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type RouteModule = Partial<Record<Method, (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>>>;

const routes: [RegExp, RouteModule][] = [
  [/^\/api\/scim\/v2\/Users$/, usersRoute as RouteModule],
  [/^\/api\/scim\/v2\/Users\/([^/]+)$/, userRoute as RouteModule],
  [/^\/api\/scim\/v2\/Groups$/, groupsRoute as RouteModule],
  [/^\/api\/scim\/v2\/Groups\/([^/]+)$/, groupRoute as RouteModule],
];

/** A SCIM request as an identity provider sends it (`application/scim+json`), to the Route Handler Next would pick. */
export async function scim(token: string, method: Method, path: string, { json, headers = {} }: { json?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  const url = new URL(`/api/scim/v2${path}`, 'http://localhost:3000');
  const request = new Request(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  for (const [pattern, route] of routes) {
    const match = pattern.exec(url.pathname);
    const handler = match && route[method];
    if (match && handler) return handler(request, { params: Promise.resolve<Record<string, string>>(match[1] ? { id: decodeURIComponent(match[1]) } : {}) });
  }
  throw new Error(`no SCIM route for ${method} ${url.pathname}`);
}

/** An organization with a SCIM connection: its id and the connection's token. */
export async function scimConnectionFor(db: Database, slug: string, passwordSetup: 'none' | 'invitation' = 'none') {
  const owner = await insertUser(db, 'member');
  const organization = await seedOrganization(db, slug, owner.id);
  const { connection, token } = await createScimConnection({ db, principal: systemPrincipal() }, organization.id, { name: `${slug} IdP`, passwordSetup });
  return { organizationId: organization.id, connectionId: connection.id, ownerId: owner.id, token };
}

interface FixtureRequest {
  method: Method;
  path: string;
  body?: unknown;
}

/** Okta's or Entra's recorded requests (tests/fixtures/scim), with `{id}`-style placeholders filled in. */
export function scimFixture(provider: 'okta' | 'entra', name: string, values: Record<string, string> = {}): FixtureRequest {
  const all = JSON.parse(readFileSync(path.join(import.meta.dirname, '../fixtures/scim', `${provider}.json`), 'utf8')) as Record<string, FixtureRequest>;
  const fixture = all[name];
  if (!fixture) throw new Error(`no ${provider} fixture ${name}`);
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (placeholder, key: string) => values[key] ?? placeholder);
  return JSON.parse(fill(JSON.stringify(fixture))) as FixtureRequest;
}

/** Sends a recorded request through the real routes. */
export function sendFixture(token: string, fixture: FixtureRequest): Promise<Response> {
  return scim(token, fixture.method, fixture.path, fixture.body === undefined ? {} : { json: fixture.body });
}

/** A parsed JSON body, loosely typed for assertions. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A SCIM answer's body ({} when it has none), once its status is `status` (the body is in the failure message). */
export async function expectScim(response: Response, status: number): Promise<Json> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  if (status !== 204) expect(response.headers.get('content-type')).toBe('application/scim+json');
  return text ? (JSON.parse(text) as Json) : {};
}
