import { createUser, listUsers, listUsersQuery } from '@/core/users';
import { apiResource, json } from '@/http/api-resource';
import { readJsonBody } from '@/http/json-body';
import { idempotent } from '@/http/idempotency';
import { etagFor } from '@/http/etag';
import { revalidateUserViews } from '@/http/revalidate';
import { publicUrl } from '@/lib/public-url';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  GET: async ({ request, ctx }) => {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    return json(await listUsers(ctx, query));
  },

  POST: idempotent(async ({ request, ctx }) => {
    const user = await createUser(ctx, await readJsonBody(request));
    revalidateUserViews(user.id);
    return json(user, {
      status: 201,
      headers: { Location: publicUrl(`/api/v1/users/${user.id}`, request).toString(), ETag: etagFor(user.version) },
    });
  }),
}, { query: { GET: listUsersQuery } });
