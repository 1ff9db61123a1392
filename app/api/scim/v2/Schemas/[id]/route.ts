import { scimBaseUrl } from '@/core/scim';
import { oneOf, scimSchemas } from '@/core/scim/discovery';
import { scimHandler, scimJson } from '@/http/scim/route';

export const GET = scimHandler<{ id: string }>(async (_request, _scope, { params }) => scimJson(oneOf(scimSchemas(scimBaseUrl()), params.id, 'Schema')));
