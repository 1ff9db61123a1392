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

type PlanFor = (principal: Principal, query: Record<string, string>, clientIp: string | null) => ExportPlan;

/**
 * The console's download of an export (its pages' plain "Export CSV" links): the same export as /api/v1, for the
 * signed-in user by session cookie (`consoleContext`: the console's own, src/actions/context.ts), same-origin only
 * (/api/v1 ignores cookies, so a foreign page can't use them).
 */
export function consoleExportRoute(planFor: PlanFor, consoleContext: () => Promise<CoreContext>) {
  const GET = async (request: Request): Promise<Response> => {
    try {
      assertSameOrigin(request);
      const { principal } = await consoleContext();
      // The console is for staff, as its pages are (requireConsoleUser): members use the API for their own data.
      authorize(principal, 'users:read');
      const plan = planFor(principal, Object.fromEntries(new URL(request.url).searchParams), requestClientIp(request));
      return await exportResponse(request, plan, await getDatabase());
    } catch (error) {
      return errorToResponse(error, request);
    }
  };
  const notAllowed = methodNotAllowed(['GET']);
  return { GET, POST: notAllowed, PUT: notAllowed, PATCH: notAllowed, DELETE: notAllowed };
}
