import { scimBaseUrl } from '@/core/scim';
import { listOfAll, scimResourceTypes } from '@/core/scim/discovery';
import { scimHandler, scimJson } from '@/http/scim/route';

/** The resource types served: User (with the enterprise extension) and Group. */
export const GET = scimHandler(async () => scimJson(listOfAll(scimResourceTypes(scimBaseUrl()))));
