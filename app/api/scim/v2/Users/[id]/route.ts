import { scimBaseUrl } from '@/core/scim/connections';
import { applyUserPatch, parsePatchRequest } from '@/core/scim/protocol/patch';
import { parseScimUser, toScimUser } from '@/core/scim/protocol/user';
import { deleteScimUser, getScimUser, updateScimUser } from '@/core/scim/users';
import { getDatabase } from '@/db';
import { revalidateOrganizationViews } from '@/http/revalidate';
import { ifMatchVersion, scimNoContent, scimResource } from '@/http/scim/resources';
import { scimHandler } from '@/http/scim/route';

type Params = { id: string };

export const GET = scimHandler<Params>(async (_request, scope, { params }) => {
  const { db } = await getDatabase();
  return scimResource(toScimUser(await getScimUser(db, scope, params.id), scimBaseUrl()));
});

/** PUT replaces the user's attributes; a body without `active` leaves the membership active or suspended as it is. */
export const PUT = scimHandler<Params>(async (request, scope, { params, body }) => {
  const expectedVersion = ifMatchVersion(request);
  const attributes = parseScimUser(body);
  const { db } = await getDatabase();
  const user = await updateScimUser(db, scope, params.id, () => attributes, { expectedVersion });
  revalidateOrganizationViews(scope.organizationId, user.id);
  return scimResource(toScimUser(user, scimBaseUrl()));
});

/** PATCH applies every operation (Okta's and Entra's shapes) or none; answers the user as it now is. */
export const PATCH = scimHandler<Params>(async (request, scope, { params, body }) => {
  const expectedVersion = ifMatchVersion(request);
  const operations = parsePatchRequest(body);
  const { db } = await getDatabase();
  const user = await updateScimUser(db, scope, params.id, (current) => applyUserPatch(current, operations), { expectedVersion });
  revalidateOrganizationViews(scope.organizationId, user.id);
  return scimResource(toScimUser(user, scimBaseUrl()));
});

/** DELETE removes the membership; the Roster user goes too when no other organization or staff role holds them. */
export const DELETE = scimHandler<Params>(async (request, scope, { params }) => {
  const expectedVersion = ifMatchVersion(request);
  const { db } = await getDatabase();
  await deleteScimUser(db, scope, params.id, { expectedVersion });
  revalidateOrganizationViews(scope.organizationId, params.id);
  return scimNoContent();
});
