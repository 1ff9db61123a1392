import { impersonatorOf } from '@/core/impersonation';
import { myOrganizations } from '@/core/organizations';
import { getMe, updateMe } from '@/core/users';
import { apiResource, json } from '@/http/api-resource';
import { readJsonBody } from '@/http/json-body';
import { etagFor } from '@/http/etag';
import { writePreconditions } from '@/http/preconditions';
import { revalidateUserViews } from '@/http/revalidate';

/**
 * The calling user's own record: for end users' apps, with a session token or a JWT as the bearer. GET adds the
 * organizations they belong to, with their role in each, and the admin impersonating them, if one is (for a banner).
 */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  GET: async ({ ctx }) => {
    const me = await getMe(ctx);
    // The ETag is the user's version, for If-Match; their organizations change apart from it, so it never answers a 304.
    return json({ ...me, organizations: await myOrganizations(ctx), impersonator: impersonatorOf(ctx.principal) }, { headers: { ETag: etagFor(me.version) }, revalidate: false });
  },

  PATCH: async ({ request, ctx }) => {
    const me = await updateMe(ctx, await readJsonBody(request), writePreconditions(request));
    revalidateUserViews(me.id);
    return json(me, { headers: { ETag: etagFor(me.version) } });
  },
});
