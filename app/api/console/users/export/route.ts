import { planUserExport } from '@/core/users';
import { consoleContext } from '@/actions/context';
import { byPrincipal, consoleExportRoute } from '@/http/console-export';

/** The users list's "Export CSV" link: its filters, by session cookie. */
export const { GET, POST, PUT, PATCH, DELETE } = consoleExportRoute(byPrincipal(planUserExport), consoleContext);
