import { scimBaseUrl } from '@/core/scim/connections';
import { createScimGroup, listScimGroups } from '@/core/scim/groups';
import { parseScimGroup, toScimGroup } from '@/core/scim/protocol/group';
import { parseScimListQuery, toListResponse } from '@/core/scim/protocol/list';
import { getDatabase } from '@/db';
import { revalidateOrganizationViews } from '@/http/revalidate';
import { scimResource } from '@/http/scim/resources';
import { scimHandler, scimJson } from '@/http/scim/route';

/** GET /Groups: `filter` (displayName, externalId, id, members[value eq "…"]), paging, `excludedAttributes=members`. */
export const GET = scimHandler(async (request, scope) => {
  const query = parseScimListQuery(new URL(request.url).searchParams, 'Group');
  const excludeMembers = query.excludedAttributes.includes('members');
  const { db } = await getDatabase();
  const page = await listScimGroups(db, scope, query.filter ?? null, query, { excludeMembers });
  const baseUrl = scimBaseUrl();
  return scimJson(
    toListResponse(
      page.resources.map((view) => toScimGroup(view, baseUrl, { excludeMembers })),
      { totalResults: page.totalResults, startIndex: query.startIndex, itemsPerPage: page.resources.length },
    ),
  );
});

/** POST /Groups: members are users this organization provisioned; a duplicate displayName is 409 uniqueness. */
export const POST = scimHandler(async (_request, scope, { body }) => {
  const attributes = parseScimGroup(body);
  const { db } = await getDatabase();
  const group = await createScimGroup(db, scope, attributes);
  revalidateOrganizationViews(scope.organizationId, ...attributes.memberIds);
  return scimResource(toScimGroup(group, scimBaseUrl()), 201);
});
