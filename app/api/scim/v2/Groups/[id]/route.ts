import { scimBaseUrl } from '@/core/scim/connections';
import { deleteScimGroup, getScimGroup, updateScimGroup } from '@/core/scim/groups';
import { parseScimGroup, toScimGroup } from '@/core/scim/protocol/group';
import { excludedAttributes } from '@/core/scim/protocol/list';
import { applyGroupPatch, parsePatchRequest } from '@/core/scim/protocol/patch';
import { getDatabase } from '@/db';
import { revalidateOrganizationViews } from '@/http/revalidate';
import { ifMatchVersion, scimNoContent, scimResource } from '@/http/scim/resources';
import { scimHandler } from '@/http/scim/route';

type Params = { id: string };

/** `excludedAttributes=members` (Entra asks for it) leaves the member list out. */
const excludesMembers = (request: Request) => excludedAttributes(new URL(request.url).searchParams).includes('members');

export const GET = scimHandler<Params>(async (request, scope, { params }) => {
  const excludeMembers = excludesMembers(request);
  const { db } = await getDatabase();
  return scimResource(toScimGroup(await getScimGroup(db, scope, params.id, { excludeMembers }), scimBaseUrl(), { excludeMembers }));
});

/** PUT replaces the name, external id and the whole member list. */
export const PUT = scimHandler<Params>(async (request, scope, { params, body }) => {
  const expectedVersion = ifMatchVersion(request);
  const attributes = parseScimGroup(body);
  const { db } = await getDatabase();
  const view = await updateScimGroup(
    db,
    scope,
    params.id,
    () => ({ displayName: attributes.displayName, externalId: attributes.externalId, memberChanges: [{ op: 'replace', userIds: attributes.memberIds }] }),
    { expectedVersion },
  );
  // Members' roles may follow the group's: their views go stale with the organization's.
  revalidateOrganizationViews(scope.organizationId);
  return scimResource(toScimGroup(view, scimBaseUrl()));
});

/** PATCH: rename, add/remove/replace members by every shape Okta and Entra send, all or none. */
export const PATCH = scimHandler<Params>(async (request, scope, { params, body }) => {
  const expectedVersion = ifMatchVersion(request);
  const operations = parsePatchRequest(body);
  const excludeMembers = excludesMembers(request);
  const { db } = await getDatabase();
  const view = await updateScimGroup(db, scope, params.id, (current) => applyGroupPatch(current, operations), { expectedVersion, excludeMembers });
  revalidateOrganizationViews(scope.organizationId);
  return scimResource(toScimGroup(view, scimBaseUrl(), { excludeMembers }));
});

export const DELETE = scimHandler<Params>(async (request, scope, { params }) => {
  const expectedVersion = ifMatchVersion(request);
  const { db } = await getDatabase();
  await deleteScimGroup(db, scope, params.id, { expectedVersion });
  revalidateOrganizationViews(scope.organizationId);
  return scimNoContent();
});
