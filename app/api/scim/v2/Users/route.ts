import { scimBaseUrl } from '@/core/scim/connections';
import { parseScimListQuery, toListResponse } from '@/core/scim/protocol/list';
import { parseScimUser, toScimUser } from '@/core/scim/protocol/user';
import { createScimUser, listScimUsers } from '@/core/scim/users';
import { getDatabase } from '@/db';
import { revalidateOrganizationViews } from '@/http/revalidate';
import { scimResource } from '@/http/scim/resources';
import { scimHandler, scimJson } from '@/http/scim/route';

/** GET /Users: the organization's provisioned users; `filter`, `startIndex` (1-based) and `count` (at most 200). */
export const GET = scimHandler(async (request, scope) => {
  const query = parseScimListQuery(new URL(request.url).searchParams, 'User');
  const { db } = await getDatabase();
  const page = await listScimUsers(db, scope, query.filter ?? null, query);
  const baseUrl = scimBaseUrl();
  return scimJson(toListResponse(page.resources.map((view) => toScimUser(view, baseUrl)), { totalResults: page.totalResults, startIndex: query.startIndex, itemsPerPage: page.resources.length }));
});

/** POST /Users: provisions a user into the organization (201, Location, ETag); a duplicate is 409 uniqueness. */
export const POST = scimHandler(async (_request, scope, { body }) => {
  const attributes = parseScimUser(body);
  const { db } = await getDatabase();
  const user = await createScimUser(db, scope, attributes);
  revalidateOrganizationViews(scope.organizationId, user.id);
  return scimResource(toScimUser(user, scimBaseUrl()), 201);
});
