import { planAuditExport } from '@/core/events';
import { consoleContext } from '@/actions/context';
import { byPrincipal, consoleExportRoute } from '@/http/console-export';

/** The audit page's "Export CSV" link: its filters, by session cookie. */
export const { GET, POST, PUT, PATCH, DELETE } = consoleExportRoute(byPrincipal(planAuditExport), consoleContext);
