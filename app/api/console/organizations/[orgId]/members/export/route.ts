import { planMemberExport } from '@/core/organizations';
import { consoleContext } from '@/actions/context';
import { consoleExportRoute } from '@/http/console-export';

/** The organization page's "Export CSV/NDJSON" links: its members, by session cookie. */
export const { GET, POST, PUT, PATCH, DELETE } = consoleExportRoute<{ orgId: string }>(
  (ctx, query, clientIp, { orgId }) => planMemberExport(ctx, orgId, query, clientIp),
  consoleContext,
);
