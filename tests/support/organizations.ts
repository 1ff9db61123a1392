import type { OrgRole } from '@/core/organizations';
import { addMember, createOrganization } from '@/core/organizations';
import type { Database } from '@/db/client';
import * as auditRoute from '../../app/api/v1/audit-events/route';
import * as meRoute from '../../app/api/v1/me/route';
import * as orgKeyRoute from '../../app/api/v1/organizations/[orgId]/api-keys/[id]/route';
import * as orgKeysRoute from '../../app/api/v1/organizations/[orgId]/api-keys/route';
import * as orgEndpointsRoute from '../../app/api/v1/organizations/[orgId]/webhook-endpoints/route';
import * as itemRoute from '../../app/api/v1/organizations/[orgId]/route';
import * as memberRoute from '../../app/api/v1/organizations/[orgId]/members/[userId]/route';
import * as membersRoute from '../../app/api/v1/organizations/[orgId]/members/route';
import * as collectionRoute from '../../app/api/v1/organizations/route';
import * as scimConnectionRequestsRoute from '../../app/api/v1/organizations/[orgId]/scim-connections/[connectionId]/requests/route';
import * as scimConnectionRoute from '../../app/api/v1/organizations/[orgId]/scim-connections/[connectionId]/route';
import * as scimConnectionTokensRoute from '../../app/api/v1/organizations/[orgId]/scim-connections/[connectionId]/tokens/route';
import * as scimConnectionsRoute from '../../app/api/v1/organizations/[orgId]/scim-connections/route';
import * as userRoute from '../../app/api/v1/users/[id]/route';
import * as usersRoute from '../../app/api/v1/users/route';
import * as endpointsRoute from '../../app/api/v1/webhook-endpoints/route';
import { systemPrincipal } from './principals';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
type Params = Record<string, string>;
type RouteModule = Record<Method, (request: Request, context: { params: Promise<Params> }) => Promise<Response>>;

// The organization routes (and those the organization tests read back through), matched as Next would route them.
const routes: [RegExp, RouteModule, string[]][] = [
  [/^\/api\/v1\/organizations$/, collectionRoute as RouteModule, []],
  [/^\/api\/v1\/organizations\/([^/]+)$/, itemRoute as RouteModule, ['orgId']],
  [/^\/api\/v1\/organizations\/([^/]+)\/members$/, membersRoute as RouteModule, ['orgId']],
  [/^\/api\/v1\/organizations\/([^/]+)\/members\/([^/]+)$/, memberRoute as RouteModule, ['orgId', 'userId']],
  [/^\/api\/v1\/me$/, meRoute as RouteModule, []],
  [/^\/api\/v1\/audit-events$/, auditRoute as RouteModule, []],
  [/^\/api\/v1\/users\/([^/]+)$/, userRoute as RouteModule, ['id']],
  // Organization-owned keys and endpoints (tests/integration/organization-keys.test.ts).
  [/^\/api\/v1\/organizations\/([^/]+)\/api-keys$/, orgKeysRoute as RouteModule, ['orgId']],
  [/^\/api\/v1\/organizations\/([^/]+)\/api-keys\/([^/]+)$/, orgKeyRoute as RouteModule, ['orgId', 'id']],
  [/^\/api\/v1\/organizations\/([^/]+)\/webhook-endpoints$/, orgEndpointsRoute as RouteModule, ['orgId']],
  [/^\/api\/v1\/users$/, usersRoute as RouteModule, []],
  // SCIM connections (tests/integration/scim-connections.test.ts).
  [/^\/api\/v1\/organizations\/([^/]+)\/scim-connections$/, scimConnectionsRoute as RouteModule, ['orgId']],
  [/^\/api\/v1\/organizations\/([^/]+)\/scim-connections\/([^/]+)$/, scimConnectionRoute as RouteModule, ['orgId', 'connectionId']],
  [/^\/api\/v1\/organizations\/([^/]+)\/scim-connections\/([^/]+)\/tokens$/, scimConnectionTokensRoute as RouteModule, ['orgId', 'connectionId']],
  [/^\/api\/v1\/organizations\/([^/]+)\/scim-connections\/([^/]+)\/requests$/, scimConnectionRequestsRoute as RouteModule, ['orgId', 'connectionId']],
  [/^\/api\/v1\/webhook-endpoints$/, endpointsRoute as RouteModule, []],
];

/** Calls the Route Handler Next would route `path` to, as `headers` (a bearer), with `json` as the body. */
export function callApi(method: Method, path: string, { json, body, headers = {} }: { json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const url = new URL(path, 'http://localhost:3000');
  const send = json === undefined ? body : JSON.stringify(json);
  const request = new Request(url, { method, headers: { ...(send === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body: send });
  for (const [pattern, route, names] of routes) {
    const match = pattern.exec(url.pathname);
    if (match) return route[method](request, { params: Promise.resolve(Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]))) });
  }
  throw new Error(`no route for ${url.pathname}`);
}

/** An organization made through the core by the CLI, owned by `ownerId`, with `members` added by role. */
export async function seedOrganization(db: Database, slug: string, ownerId: string, members: Record<string, OrgRole> = {}) {
  const ctx = { db, principal: systemPrincipal() };
  const organization = await createOrganization(ctx, { name: `Org ${slug}`, slug, ownerId }, 'open');
  for (const [userId, role] of Object.entries(members)) await addMember(ctx, organization.id, { userId, role });
  return organization;
}
