import { listAuditEvents, listAuditEventsQuery } from '@/core/events';
import { apiResource, json } from '@/http/api-resource';

/** The audit trail, newest first, filtered, in keyset pages. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  GET: async ({ request, ctx }) => json(await listAuditEvents(ctx, Object.fromEntries(new URL(request.url).searchParams))),
}, { query: { GET: listAuditEventsQuery } });
