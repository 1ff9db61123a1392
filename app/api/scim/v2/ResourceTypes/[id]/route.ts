import { scimBaseUrl } from '@/core/scim';
import { oneOf, scimResourceTypes } from '@/core/scim/discovery';
import { scimHandler, scimJson } from '@/http/scim/route';

export const GET = scimHandler<{ id: string }>(async (_request, _scope, { params }) => scimJson(oneOf(scimResourceTypes(scimBaseUrl()), params.id, 'Resource type')));
