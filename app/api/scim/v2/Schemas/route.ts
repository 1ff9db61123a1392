import { scimBaseUrl } from '@/core/scim';
import { listOfAll, scimSchemas } from '@/core/scim/discovery';
import { scimHandler, scimJson } from '@/http/scim/route';

/** The schemas served, with only the attributes Roster stores. */
export const GET = scimHandler(async () => scimJson(listOfAll(scimSchemas(scimBaseUrl()))));
