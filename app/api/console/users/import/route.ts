import { actionContext } from '@/actions/context';
import { authorize } from '@/core/authorization';
import { ValidationFailed } from '@/core/errors';
import { importUsers } from '@/core/users/import';
import { methodNotAllowed } from '@/http/api-resource';
import { importUpload, UploadRefused } from '@/http/import-upload';
import { errorToResponse } from '@/http/problem';
import { assertSameOrigin } from '@/http/same-origin';
import { publicUrl } from '@/lib/public-url';

const seeOther = (path: string, request: Request) => Response.redirect(publicUrl(path, request), 303);

/**
 * The console's Import users form (a plain multipart post, with or without JavaScript): the file streams into the
 * same core import as POST /api/v1/users/import, by session cookie, same-origin only. A dry run comes back to the
 * form with its report; an import goes to its job's page. The core authorizes (users:write).
 */
export async function POST(request: Request): Promise<Response> {
  try {
    assertSameOrigin(request);
    const ctx = await actionContext();
    // Before the body is read: an upload nobody may import is refused without streaming it.
    authorize(ctx.principal, 'users:write');
    const { format, body, fields } = await importUpload(request);
    const dryRun = new URL(request.url).searchParams.get('dryRun') === 'true';
    const job = await importUsers(ctx, body, format, { mode: fields.mode, dryRun: String(dryRun) });
    return seeOther(dryRun ? `/users/import?report=${job.id}` : `/jobs/${job.id}`, request);
  } catch (error) {
    if (error instanceof UploadRefused) return seeOther(`/users/import?error=${error.reason}`, request);
    if (error instanceof ValidationFailed) return seeOther('/users/import?error=mode', request);
    return errorToResponse(error, request);
  }
}

const notAllowed = methodNotAllowed(['POST']);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
