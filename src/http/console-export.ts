import 'server-only';
import { authorize } from '@/core/authorization';
import type { ExportPlan } from '@/core/exports';
import type { CoreContext, Principal } from '@/core/principal';
import { getDatabase } from '@/db';
import { methodNotAllowed } from './api-resource';
import { exportResponse } from './export-response';
import { errorToResponse } from './problem';
import { requestClientIp } from './request-client-ip';
import { assertSameOrigin } from './same-origin';

/** Plans the export for the signed-in user; `params` are the route's path segments (an organization's id). */
type PlanFor<P> = (ctx: CoreContext, query: Record<string, string>, clientIp: string | null, params: P) => ExportPlan | Promise<ExportPlan>;

/** For exports whose plan needs only the principal (the users list, the audit trail). */
export const byPrincipal =
  (plan: (principal: Principal, query: Record<string, string>, clientIp: string | null) => ExportPlan): PlanFor<unknown> =>
  ({ principal }, query, clientIp) =>
    plan(principal, query, clientIp);

/**
 * The console's download of an export (its pages' plain "Export CSV" links): the same export as /api/v1, for the
 * signed-in user by session cookie (`consoleContext`: the console's own, src/actions/context.ts), same-origin only
 * (/api/v1 ignores cookies, so a foreign page can't use them).
 */
export function consoleExportRoute<P = unknown>(planFor: PlanFor<P>, consoleContext: () => Promise<CoreContext>) {
  const GET = async (request: Request, { params }: { params: Promise<P> }): Promise<Response> => {
    try {
      assertSameOrigin(request);
      const ctx = await consoleContext();
      // The console is for staff, as its pages are (requireConsoleUser): members use the API for their own data.
      authorize(ctx.principal, 'users:read');
      const plan = await planFor(ctx, Object.fromEntries(new URL(request.url).searchParams), requestClientIp(request), await params);
      return await exportResponse(request, plan, await getDatabase());
    } catch (error) {
      return errorToResponse(error, request);
    }
  };
  const notAllowed = methodNotAllowed(['GET']);
  return { GET, POST: notAllowed, PUT: notAllowed, PATCH: notAllowed, DELETE: notAllowed };
}
