import { deleteUser, getUser, updateUser } from '@/core/users';
import { apiResource, json } from '@/http/api-resource';
import { readJsonBody } from '@/http/json-body';
import { etagFor } from '@/http/etag';
import { writePreconditions } from '@/http/preconditions';
import { revalidateUserViews } from '@/http/revalidate';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource<{ id: string }>({
  GET: async ({ params, ctx }) => {
    const user = await getUser(ctx, params.id);
    return json(user, { headers: { ETag: etagFor(user.version) } });
  },

  PATCH: async ({ request, params, ctx }) => {
    const preconditions = writePreconditions(request);
    const user = await updateUser(ctx, params.id, await readJsonBody(request), preconditions);
    revalidateUserViews(user.id);
    return json(user, { headers: { ETag: etagFor(user.version) } });
  },

  DELETE: async ({ request, params, ctx }) => {
    await deleteUser(ctx, params.id, writePreconditions(request));
    revalidateUserViews(params.id);
    return new Response(null, { status: 204 });
  },
});
