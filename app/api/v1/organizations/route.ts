import { createOrganization, listOrganizations, listOrganizationsQuery, orgCreationFromEnv } from '@/core/organizations';
import { apiResource, json } from '@/http/api-resource';
import { idempotent } from '@/http/idempotency';
import { readJsonBody } from '@/http/json-body';
import { etagFor } from '@/http/etag';
import { revalidateOrganizationViews } from '@/http/revalidate';
import { publicUrl } from '@/lib/public-url';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  GET: async ({ request, ctx }) => json(await listOrganizations(ctx, Object.fromEntries(new URL(request.url).searchParams))),

  POST: idempotent(async ({ request, ctx }) => {
    const organization = await createOrganization(ctx, await readJsonBody(request), orgCreationFromEnv());
    revalidateOrganizationViews(organization.id);
    return json(organization, {
      status: 201,
      headers: { Location: publicUrl(`/api/v1/organizations/${organization.id}`, request).toString(), ETag: etagFor(organization.version) },
    });
  }),
}, { query: { GET: listOrganizationsQuery } });
